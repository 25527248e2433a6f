import { describe, expect, it } from 'vitest';
import { decideExternalOpen, decideNavigation } from './navigation-guard.ts';

const packaged = 'file:///opt/APO/resources/app/out/renderer/index.html';

describe('decideNavigation', () => {
  it('lets the console reload itself, packaged or on the dev server', () => {
    expect(decideNavigation(`${packaged}?x=1`, packaged)).toEqual({ action: 'allow' });
    expect(decideNavigation('http://localhost:5173/traces', 'http://localhost:5173/')).toEqual({
      action: 'allow',
    });
  });

  it('sends web links to the system browser instead of navigating the console away', () => {
    expect(decideNavigation('https://opentelemetry.io/docs/', packaged)).toEqual({
      action: 'open-externally',
      url: 'https://opentelemetry.io/docs/',
    });
  });

  it.each([
    ['file:///tmp/evil.html', 'got file:'],
    ['javascript:alert(1)', 'got javascript:'],
    ['smb://attacker/share', 'got smb:'],
    ['ms-msdt:/id PCWDiagnostic', 'got ms-msdt:'],
    ['not a url', 'not a URL'],
    [`https://example.com/${'a'.repeat(5000)}`, 'longer than 4096'],
  ])('refuses %s', (url, reason) => {
    const decision = decideNavigation(url, packaged);
    expect(decision.action).toBe('deny');
    expect(decision).toMatchObject({ reason: expect.stringContaining(reason) as unknown });
  });
});

describe('decideExternalOpen (window.open)', () => {
  it('never opens a window; http(s) goes to the browser, normalised', () => {
    expect(decideExternalOpen('HTTPS://Example.COM/a b')).toEqual({
      action: 'open-externally',
      url: 'https://example.com/a%20b',
    });
    expect(decideExternalOpen('about:blank').action).toBe('deny');
  });
});
