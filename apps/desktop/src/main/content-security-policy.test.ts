import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './content-security-policy.ts';

const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `));

describe('contentSecurityPolicy', () => {
  it('allows scripts only from the app and fetches only to the named server', () => {
    const policy = contentSecurityPolicy({ connectSources: ['http://127.0.0.1:3300'] });
    expect(directive(policy, 'default-src')).toBe("default-src 'none'");
    expect(directive(policy, 'script-src')).toBe("script-src 'self'");
    expect(directive(policy, 'connect-src')).toBe("connect-src 'self' http://127.0.0.1:3300");
    expect(directive(policy, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive(policy, 'style-src')).toBe("style-src 'self'");
    // The one relaxation: inline style attributes, which ECharts' tooltips are made of.
    expect(policy.match(/'unsafe-[a-z-]+'/g)).toEqual(["'unsafe-inline'"]);
    expect(directive(policy, 'style-src-attr')).toBe("style-src-attr 'unsafe-inline'");
  });

  it('relaxes only what the dev server needs, and drops header-only directives for meta tags', () => {
    const dev = contentSecurityPolicy({
      connectSources: ['http://127.0.0.1:3300'],
      devServerOrigin: 'http://localhost:5173',
    });
    expect(directive(dev, 'script-src')).toBe("script-src 'self' 'unsafe-inline'");
    expect(directive(dev, 'connect-src')).toBe(
      "connect-src 'self' http://127.0.0.1:3300 ws://localhost:5173",
    );
    expect(contentSecurityPolicy({ connectSources: [], forMetaTag: true })).not.toContain('frame-ancestors');
  });
});
