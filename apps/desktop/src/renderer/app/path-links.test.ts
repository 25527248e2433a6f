import { describe, expect, it } from 'vitest';
import { pathLinkToHashUrl } from './path-links.ts';

describe('path-style links', () => {
  it('turns the printed setup link into the setup route', () => {
    expect(pathLinkToHashUrl({ pathname: '/setup', search: '?token=abc', hash: '' })).toBe(
      '/#/setup?token=abc',
    );
  });

  it('keeps ?server= on the page and a path prefix before the route', () => {
    expect(
      pathLinkToHashUrl({
        pathname: '/apo/services/cart',
        search: '?server=http%3A%2F%2Fx&from=now-6h',
        hash: '',
      }),
    ).toBe('/apo/?server=http%3A%2F%2Fx#/services/cart?from=now-6h');
  });

  it('leaves hash routes, the root and Electron file pages alone', () => {
    expect(pathLinkToHashUrl({ pathname: '/setup', search: '', hash: '#/admin' })).toBeNull();
    expect(pathLinkToHashUrl({ pathname: '/', search: '', hash: '' })).toBeNull();
    expect(
      pathLinkToHashUrl({ pathname: '/opt/apo/out/renderer/index.html', search: '', hash: '' }),
    ).toBeNull();
  });
});
