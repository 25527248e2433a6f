/**
 * `apo://` links open the same console routes as browser URLs:
 *   apo://<connection name or host[:port]>/<route>?<query>  ↔  <connection URL>/<route>?<query>
 * A link arrives from anywhere (a chat message, a web page, another program), so parsing is strict and
 * whitelist-based: anything it does not positively recognise is refused with a reason, never "fixed up".
 * The route is handed to the renderer's router as a path, never loaded as a URL.
 */
import type { DeepLink } from '../preload/bridge-contract.ts';

export const DEEP_LINK_SCHEME = 'apo';
export const MAX_DEEP_LINK_LENGTH = 2048;

export type DeepLinkParse = { ok: true; link: DeepLink } | { ok: false; reason: string };

/** The part of a connection a link is matched against. */
export interface LinkTarget {
  id: string;
  name: string;
  url: string;
}

// RFC 3986 pchar without percent (checked separately), and the query's extra '/' and '?'.
const SEGMENT = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]*$/;
const QUERY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$/;
const AUTHORITY = /^[A-Za-z0-9\-._~%:[\]]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

export function parseDeepLink(raw: string, targets: readonly LinkTarget[]): DeepLinkParse {
  const refuse = (reason: string): DeepLinkParse => ({ ok: false, reason });
  if (raw.length > MAX_DEEP_LINK_LENGTH)
    return refuse(`the link is longer than ${MAX_DEEP_LINK_LENGTH} characters`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1];
  if (scheme?.toLowerCase() !== DEEP_LINK_SCHEME)
    return refuse(`only apo:// links open in APO (got ${scheme === undefined ? 'no scheme' : `${scheme}:`})`);
  if (/[\s\\\p{Cc}]/u.test(raw)) return refuse('the link contains spaces, backslashes or control characters');
  const rest = raw.slice(scheme.length + 1);
  if (!rest.startsWith('//')) return refuse('the link must look like apo://<server>/<route>');
  if (rest.includes('#')) return refuse('console routes carry their state in the query, not after #');

  const afterSlashes = rest.slice(2);
  const authorityEnd = afterSlashes.search(/[/?]/);
  const authority = authorityEnd === -1 ? afterSlashes : afterSlashes.slice(0, authorityEnd);
  const route = authorityEnd === -1 ? '/' : afterSlashes.slice(authorityEnd);
  const queryStart = route.indexOf('?');
  const path = (queryStart === -1 ? route : route.slice(0, queryStart)) || '/';
  const query = queryStart === -1 ? '' : route.slice(queryStart);

  if (!path.startsWith('/')) return refuse('the route must start with /');
  const segments = path.slice(1).split('/');
  for (const [index, segment] of segments.entries()) {
    if (!SEGMENT.test(segment) || BAD_PERCENT.test(segment))
      return refuse(`the route has a character a console route cannot have (${JSON.stringify(segment)})`);
    const decoded = safeDecode(segment);
    if (decoded === undefined) return refuse(`the route has a bad %-escape (${JSON.stringify(segment)})`);
    // An empty segment is only allowed as a trailing slash; `//` at the start would read as another host.
    if ((segment === '' && index !== segments.length - 1) || decoded === '.' || decoded === '..')
      return refuse('the route may not contain empty, "." or ".." segments');
    if (/[/\\]/.test(decoded)) return refuse('the route may not hide a / or \\ in a %-escape');
  }
  if (!QUERY.test(query.slice(1)) || BAD_PERCENT.test(query) || safeDecode(query) === undefined)
    return refuse('the query has a character a console route cannot have');

  if (!AUTHORITY.test(authority) || BAD_PERCENT.test(authority))
    return refuse(`the server part ${JSON.stringify(authority)} is neither a connection name nor a host`);
  const server = safeDecode(authority);
  if (server === undefined) return refuse('the server part has a bad %-escape');
  const target = matchTarget(server, targets);
  if (!target.ok) return target;
  const link: DeepLink = { path: `${path}${query}` };
  if (target.id !== undefined) link.connectionId = target.id;
  return { ok: true, link };
}

/** Empty server: the active connection. Otherwise a connection name first (case-insensitive), then a host. */
function matchTarget(
  server: string,
  targets: readonly LinkTarget[],
): { ok: true; id: string | undefined } | { ok: false; reason: string } {
  if (server === '') return { ok: true, id: undefined };
  const wanted = server.toLowerCase();
  const byName = targets.find((t) => t.name.toLowerCase() === wanted);
  if (byName !== undefined) return { ok: true, id: byName.id };
  const byHost = targets.filter((t) => URL.parse(t.url)?.host === wanted);
  const only = byHost[0];
  if (only === undefined)
    return { ok: false, reason: `no connection is named or at "${server}": add it under Connections first` };
  if (byHost.length > 1)
    return {
      ok: false,
      reason: `several connections are at "${server}": use the connection's name in the link`,
    };
  return { ok: true, id: only.id };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The browser URL a deep link stands for (what the renderer's router shows under that connection). */
export function deepLinkToHttpUrl(link: DeepLink, target: LinkTarget): string {
  return `${target.url}${link.path}`;
}

/**
 * The apo:// link for a console URL in the browser: the connection whose URL is the longest prefix of it,
 * named by host when that is unambiguous (hosts mean the same to every user, names are per user).
 */
export function httpUrlToDeepLink(
  httpUrl: string,
  targets: readonly LinkTarget[],
): { ok: true; url: string; link: DeepLink } | { ok: false; reason: string } {
  const url = URL.parse(httpUrl);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    return { ok: false, reason: `not an http:// or https:// URL (got ${JSON.stringify(httpUrl)})` };
  const base = `${url.origin}${url.pathname}`;
  const owners = targets
    .filter((t) => base === t.url || base.startsWith(`${t.url}/`))
    .sort((a, b) => b.url.length - a.url.length);
  const owner = owners[0];
  if (owner === undefined) return { ok: false, reason: `no connection serves ${url.origin}` };
  const sameHost = targets.filter((t) => URL.parse(t.url)?.host === url.host);
  const server = sameHost.length === 1 ? url.host : encodeURIComponent(owner.name);
  const path = base.slice(owner.url.length) || '/';
  const link: DeepLink = { connectionId: owner.id, path: `${path}${url.search}` };
  return { ok: true, link, url: `${DEEP_LINK_SCHEME}://${server}${link.path}` };
}

/** The link in a command line (Windows and Linux pass it as an argument to a new instance). */
export function findDeepLinkInArgv(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}:`));
}

export interface DeepLinkDispatcher {
  /** A link from the OS (argv, second instance, macOS open-url). */
  open(raw: string): void;
  /** The renderer has loaded and subscribed: delivers a link that arrived while it was starting. */
  rendererReady(): void;
  /** The page is (re)loading or the window closed: hold links until the next page subscribes. */
  rendererGone(): void;
}

/**
 * Holds the link that started the app until the renderer can take it; of several links arriving during
 * start-up only the last is opened (the user's latest click). Refused links go to `refuse` for the user.
 */
export function createDeepLinkDispatcher(deps: {
  targets: () => readonly LinkTarget[];
  deliver: (link: DeepLink) => void;
  refuse: (reason: string) => void;
}): DeepLinkDispatcher {
  let ready = false;
  let pending: DeepLink | undefined;
  return {
    open(raw) {
      const parsed = parseDeepLink(raw, deps.targets());
      if (!parsed.ok) {
        deps.refuse(parsed.reason);
        return;
      }
      if (ready) deps.deliver(parsed.link);
      else pending = parsed.link;
    },
    rendererReady() {
      ready = true;
      if (pending !== undefined) deps.deliver(pending);
      pending = undefined;
    },
    rendererGone() {
      ready = false;
    },
  };
}
