import { describe, expect, it } from 'vitest';
import { createWebBridge, DEFAULT_SERVER_URL, resolveServerUrl } from './web-bridge.ts';

const page = (href: string) => {
  const url = new URL(href);
  return { search: url.search, origin: url.origin, protocol: url.protocol };
};

describe('web bridge server URL', () => {
  it('uses ?server= first, without a trailing slash', () => {
    expect(resolveServerUrl(page('http://127.0.0.1:5173/?server=http://10.0.0.5:3300/'))).toEqual({
      url: 'http://10.0.0.5:3300',
      source: 'query',
    });
  });

  it('keeps a path prefix from ?server= (a server behind a reverse proxy) and drops its query and hash', () => {
    expect(
      resolveServerUrl(
        page(
          'https://console.example.com/?server=' + encodeURIComponent('https://gw.example.com/apo/?x=1#y'),
        ),
      ).url,
    ).toBe('https://gw.example.com/apo');
  });

  it('falls back to the page origin when there is no ?server=', () => {
    expect(resolveServerUrl(page('http://apo.internal:3300/services?tab=1'))).toEqual({
      url: 'http://apo.internal:3300',
      source: 'same-origin',
    });
    expect(resolveServerUrl(page('http://localhost:5173/?server='))).toEqual({
      url: 'http://localhost:5173',
      source: 'same-origin',
    });
  });

  it('falls back to the local default when the page has no http origin (file://)', () => {
    expect(resolveServerUrl({ search: '', origin: 'null', protocol: 'file:' })).toEqual({
      url: DEFAULT_SERVER_URL,
      source: 'default',
    });
    expect(DEFAULT_SERVER_URL).toBe('http://127.0.0.1:3300');
  });

  it.each(['127.0.0.1:3300', 'javascript:alert(1)', 'ftp://host/'])(
    'rejects ?server=%s, quoting it',
    (bad) => {
      expect(() => resolveServerUrl(page(`http://localhost/?server=${encodeURIComponent(bad)}`))).toThrow(
        `?server= must be an http:// or https:// URL (got ${JSON.stringify(bad)})`,
      );
    },
  );

  it('exposes the same shape as the Electron bridge, with platform "web"', async () => {
    const bridge = createWebBridge(page('http://localhost:5173/?server=http://127.0.0.1:4000'));
    expect(bridge.platform).toBe('web');
    await expect(bridge.getServerUrl()).resolves.toBe('http://127.0.0.1:4000');
    await expect(createWebBridge(page('http://localhost/?server=nope')).getServerUrl()).rejects.toThrow(
      '?server= must be',
    );
  });
});
