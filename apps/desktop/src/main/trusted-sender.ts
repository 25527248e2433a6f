/**
 * IPC is only answered for the console's own top-level page: a frame from anywhere else (a navigated-away
 * page, an iframe) must not reach OS capabilities even if it obtained the bridge.
 */
export function isTrustedSenderUrl(frameUrl: string | undefined, appUrl: string): boolean {
  if (frameUrl === undefined || frameUrl === '') return false;
  const frame = URL.parse(frameUrl);
  const app = URL.parse(appUrl);
  if (frame === null || app === null) return false;
  // file:// origins are opaque ("null"), so the packaged app is recognised by its exact file path.
  if (app.protocol === 'file:') return frame.protocol === 'file:' && frame.pathname === app.pathname;
  return frame.origin === app.origin;
}
