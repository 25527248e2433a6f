/**
 * The console's Content-Security-Policy, in one place for the Electron response header and the meta tag
 * baked into built HTML. Scripts only from the app itself: an injected string can never run.
 */
export interface CspOptions {
  /** Origins the console may fetch from (the APO server). `http:`/`https:` when it is chosen at run time. */
  connectSources: string[];
  /** The Vite dev server needs inline scripts (React refresh preamble) and a websocket for HMR. */
  devServerOrigin?: string | undefined;
  /** `frame-ancestors` only works as a header; browsers warn about it in a meta tag. */
  forMetaTag?: boolean;
}

export function contentSecurityPolicy(options: CspOptions): string {
  const dev = options.devServerOrigin;
  const devSocket = dev === undefined ? [] : [dev.replace(/^http/, 'ws')];
  const directives: [string, ...string[]][] = [
    ['default-src', "'none'"],
    ['script-src', "'self'", ...(dev === undefined ? [] : ["'unsafe-inline'"])],
    ['style-src', "'self'", ...(dev === undefined ? [] : ["'unsafe-inline'"])],
    // Inline style attributes only (never <style> elements): ECharts builds its HTML tooltips as markup
    // with style="…", which the server's own CSP header allows the same way.
    ['style-src-attr', "'unsafe-inline'"],
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'", ...options.connectSources, ...devSocket],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['object-src', "'none'"],
  ];
  if (options.forMetaTag !== true) directives.push(['frame-ancestors', "'none'"]);
  return directives.map((d) => d.join(' ')).join('; ');
}
