import { describe, expect, it } from 'vitest';
import {
  createDeepLinkDispatcher,
  deepLinkToHttpUrl,
  findDeepLinkInArgv,
  httpUrlToDeepLink,
  MAX_DEEP_LINK_LENGTH,
  parseDeepLink,
  type LinkTarget,
} from './deep-links.ts';
import type { DeepLink } from '../preload/bridge-contract.ts';

const targets: LinkTarget[] = [
  { id: 'local', name: 'Local', url: 'http://127.0.0.1:3300' },
  { id: 'prod', name: 'Prod EU', url: 'https://apo.example.com' },
  { id: 'gw-a', name: 'Gateway A', url: 'https://gw.example.com/apo' },
  { id: 'gw-b', name: 'Gateway B', url: 'https://gw.example.com/apo-b' },
];

const reasonOf = (raw: string) => {
  const parsed = parseDeepLink(raw, targets);
  return parsed.ok ? `accepted ${JSON.stringify(parsed.link)}` : parsed.reason;
};

describe('parseDeepLink', () => {
  it('opens a route with its query on the connection named by host or by name', () => {
    expect(parseDeepLink('apo://apo.example.com/traces?service=checkout&from=now-1h', targets)).toEqual({
      ok: true,
      link: { connectionId: 'prod', path: '/traces?service=checkout&from=now-1h' },
    });
    expect(parseDeepLink('apo://prod%20eu/services/checkout%2Dapi', targets)).toEqual({
      ok: true,
      link: { connectionId: 'prod', path: '/services/checkout%2Dapi' },
    });
    expect(parseDeepLink('APO://127.0.0.1:3300', targets)).toEqual({
      ok: true,
      link: { connectionId: 'local', path: '/' },
    });
  });

  it('opens a link without a server on the active connection', () => {
    expect(parseDeepLink('apo:///logs?q=error', targets)).toEqual({
      ok: true,
      link: { path: '/logs?q=error' },
    });
  });

  it.each([
    ['https://apo.example.com/traces', 'only apo:// links open in APO (got https:)'],
    ['javascript:alert(1)', 'only apo:// links open in APO (got javascript:)'],
    ['file:///etc/passwd', 'only apo:// links open in APO (got file:)'],
    ['/traces', 'only apo:// links open in APO (got no scheme)'],
    ['apo:traces', 'must look like apo://<server>/<route>'],
    ['apo://prod eu/traces', 'spaces, backslashes or control characters'],
    ['apo://apo.example.com/traces\n/evil', 'control characters'],
    ['apo://apo.example.com\\evil.com/traces', 'backslashes'],
    ['apo://apo.example.com/traces#x', 'not after #'],
    ['apo://apo.example.com//evil.com/x', 'empty, "." or ".." segments'],
    ['apo://apo.example.com/a/../../admin', 'empty, "." or ".." segments'],
    ['apo://apo.example.com/a/%2e%2E/admin', 'empty, "." or ".." segments'],
    ['apo://apo.example.com/a%2fb', 'may not hide a / or \\'],
    ['apo://apo.example.com/a%5Cb', 'may not hide a / or \\'],
    ['apo://apo.example.com/a"b', 'cannot have'],
    ['apo://apo.example.com/<script>', 'cannot have'],
    ['apo://apo.example.com/a%zz', 'cannot have'],
    ['apo://apo.example.com/a%C0', 'bad %-escape'],
    ['apo://apo.example.com/t?q=<b>', 'query has a character'],
    ['apo://apo.example.com/t?q=%', 'query has a character'],
    ['apo://user@apo.example.com/traces', 'neither a connection name nor a host'],
    ['apo://unknown.example.com/traces', 'no connection is named or at "unknown.example.com"'],
    ['apo://gw.example.com/traces', 'several connections are at "gw.example.com"'],
  ])('refuses %j with a reason', (raw, reason) => {
    expect(reasonOf(raw)).toContain(reason);
  });

  it('refuses an overlong link before looking at it', () => {
    const long = `apo://apo.example.com/${'a'.repeat(MAX_DEEP_LINK_LENGTH)}`;
    expect(reasonOf(long)).toBe(`the link is longer than ${MAX_DEEP_LINK_LENGTH} characters`);
  });
});

describe('apo:// ↔ http(s)://', () => {
  it('turns a console URL into a link by host and back into the same URL', () => {
    const deep = httpUrlToDeepLink('https://apo.example.com/traces?service=checkout#ignored', targets);
    expect(deep).toEqual({
      ok: true,
      url: 'apo://apo.example.com/traces?service=checkout',
      link: { connectionId: 'prod', path: '/traces?service=checkout' },
    });
    if (!deep.ok) return;
    const back = parseDeepLink(deep.url, targets);
    expect(back).toEqual({ ok: true, link: deep.link });
    expect(deepLinkToHttpUrl(deep.link, targets[1]!)).toBe('https://apo.example.com/traces?service=checkout');
  });

  it('names the connection when its host is shared, and keeps its path prefix out of the route', () => {
    const deep = httpUrlToDeepLink('https://gw.example.com/apo-b/logs?q=1', targets);
    expect(deep).toMatchObject({ ok: true, url: 'apo://Gateway%20B/logs?q=1' });
    if (!deep.ok) return;
    const back = parseDeepLink(deep.url, targets);
    expect(back).toEqual({ ok: true, link: { connectionId: 'gw-b', path: '/logs?q=1' } });
    expect(deepLinkToHttpUrl({ path: '/logs?q=1' }, targets[3]!)).toBe(
      'https://gw.example.com/apo-b/logs?q=1',
    );
  });

  it('refuses URLs no connection serves, and non-http URLs', () => {
    expect(httpUrlToDeepLink('https://other.example.com/traces', targets)).toEqual({
      ok: false,
      reason: 'no connection serves https://other.example.com',
    });
    // A path that only starts like a prefix (`/apox`) is not under `/apo`.
    expect(httpUrlToDeepLink('https://gw.example.com/apox', targets)).toMatchObject({ ok: false });
    expect(httpUrlToDeepLink('ftp://apo.example.com/', targets)).toMatchObject({ ok: false });
  });
});

describe('findDeepLinkInArgv', () => {
  it('finds the link among Chromium switches, or nothing', () => {
    expect(findDeepLinkInArgv(['/opt/APO/apo', '--no-sandbox', 'APO://prod/traces'])).toBe(
      'APO://prod/traces',
    );
    expect(findDeepLinkInArgv(['/opt/APO/apo', '--allow-file-access'])).toBeUndefined();
  });
});

describe('createDeepLinkDispatcher', () => {
  it('holds the start-up link until the renderer is ready, then delivers directly; refusals get a reason', () => {
    const delivered: DeepLink[] = [];
    const refused: string[] = [];
    const dispatcher = createDeepLinkDispatcher({
      targets: () => targets,
      deliver: (link) => delivered.push(link),
      refuse: (reason) => refused.push(reason),
    });
    dispatcher.open('apo://apo.example.com/traces');
    dispatcher.open('apo://apo.example.com/logs');
    dispatcher.open('https://evil.example.com');
    expect(delivered).toEqual([]);
    expect(refused).toEqual(['only apo:// links open in APO (got https:)']);
    dispatcher.rendererReady();
    expect(delivered).toEqual([{ connectionId: 'prod', path: '/logs' }]);
    dispatcher.open('apo:///alerts');
    expect(delivered).toEqual([{ connectionId: 'prod', path: '/logs' }, { path: '/alerts' }]);

    // A reload: the new page has not subscribed yet, so the link waits for it.
    dispatcher.rendererGone();
    dispatcher.open('apo:///metrics');
    expect(delivered).toHaveLength(2);
    dispatcher.rendererReady();
    expect(delivered.at(-1)).toEqual({ path: '/metrics' });
  });
});
