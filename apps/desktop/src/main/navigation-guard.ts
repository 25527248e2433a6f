/**
 * What happens when the page tries to leave: the console is a single page, so navigation away from it and
 * new windows are denied. Links to the web (documentation, a trace in another tool) open in the system
 * browser; every other scheme (file:, javascript:, custom protocol handlers) is refused outright, because
 * handing it to the OS could start a program.
 */
import { isTrustedSenderUrl } from './trusted-sender.ts';

export type ExternalDecision =
  { action: 'open-externally'; url: string } | { action: 'deny'; reason: string };
export type NavigationDecision = { action: 'allow' } | ExternalDecision;

/** Generous for a real link, small enough that a page cannot hand the OS a megabyte of "URL". */
const MAX_EXTERNAL_URL_LENGTH = 4096;

/** `window.open`, target=_blank links, and navigation away: never a new Electron window or page. */
export function decideExternalOpen(rawUrl: string): ExternalDecision {
  if (rawUrl.length > MAX_EXTERNAL_URL_LENGTH)
    return { action: 'deny', reason: `the link is longer than ${MAX_EXTERNAL_URL_LENGTH} characters` };
  const url = URL.parse(rawUrl);
  if (url === null) return { action: 'deny', reason: 'the link is not a URL' };
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return {
      action: 'deny',
      reason: `only http:// and https:// links open outside the console (got ${url.protocol})`,
    };
  // The browser gets the normalised form, not the raw string the page produced.
  return { action: 'open-externally', url: url.href };
}

/** `will-navigate`: staying on the console's own page (a reload, the dev server's HMR reload) is fine. */
export function decideNavigation(rawUrl: string, appUrl: string): NavigationDecision {
  if (isTrustedSenderUrl(rawUrl, appUrl)) return { action: 'allow' };
  return decideExternalOpen(rawUrl);
}
