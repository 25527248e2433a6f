import { describe, expect, it } from 'vitest';
import { isTrustedSenderUrl } from './trusted-sender.ts';

describe('isTrustedSenderUrl', () => {
  it('accepts the packaged console page and nothing else on file://', () => {
    const app = 'file:///opt/APO/resources/app/out/renderer/index.html';
    expect(isTrustedSenderUrl(app, app)).toBe(true);
    expect(isTrustedSenderUrl(`${app}#/services`, app)).toBe(true);
    expect(isTrustedSenderUrl('file:///tmp/evil.html', app)).toBe(false);
  });

  it('accepts the dev server origin only', () => {
    expect(isTrustedSenderUrl('http://localhost:5173/some/route', 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isTrustedSenderUrl('https://example.com/', 'http://localhost:5173/')).toBe(false);
  });

  it('refuses senders without a URL', () => {
    expect(isTrustedSenderUrl(undefined, 'http://localhost:5173/')).toBe(false);
    expect(isTrustedSenderUrl('', 'http://localhost:5173/')).toBe(false);
  });
});
