import type { Plugin } from 'vite';
import { contentSecurityPolicy } from '../src/main/content-security-policy.ts';

/**
 * Bakes the CSP into built HTML as a meta tag: a file:// page in Electron and a statically served web build
 * get no response header from us. Build only: the dev server needs inline scripts for React refresh.
 * connect-src stays `http: https:` because the server is chosen at run time (`?server=`, Electron settings);
 * Electron narrows it further with a header naming the configured server.
 */
export function cspMetaPlugin(): Plugin {
  return {
    name: 'apo-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: contentSecurityPolicy({ connectSources: ['http:', 'https:'], forMetaTag: true }),
        },
        injectTo: 'head-prepend',
      },
    ],
  };
}
