import type { Connection, ConnectionList, NotificationResult } from '../../preload/bridge-contract.ts';
import type { ApoBridge } from '../../preload/bridge.ts';

/** Where the console runs outside Electron: in a browser, in Vite's dev server, or under E2E tests. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:3300';

/** The one connection a browser has: the server that served the page (or `?server=`). */
export const WEB_CONNECTION_ID = 'this-server';

export interface ResolvedServerUrl {
  url: string;
  source: 'query' | 'same-origin' | 'default';
}

// Structural, not DOM's `Location`: unit tests run it under Node with plain objects.
interface LocationLike {
  search: string;
  origin: string;
  protocol: string;
}

/** The Web Notification API as used here; undefined where the browser has none (a stand-in in tests). */
// Spelled out rather than DOM's NotificationPermission: this file is also type-checked for Node tests.
export type WebNotificationPermission = 'default' | 'granted' | 'denied';

export interface WebNotifications {
  permission(): WebNotificationPermission;
  requestPermission(): Promise<WebNotificationPermission>;
  show(title: string, body: string): void;
}

/**
 * `?server=` wins (tests and bookmarks point one console at any server); otherwise the page's own origin,
 * because the server (or the Vite dev proxy) serves the console beside `/trpc`; a page with no usable origin
 * (file://) falls back to the local default.
 */
export function resolveServerUrl(location: LocationLike): ResolvedServerUrl {
  const requested = new URLSearchParams(location.search).get('server')?.trim();
  if (requested !== undefined && requested !== '') {
    const parsed = URL.parse(requested);
    if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new Error(`?server= must be an http:// or https:// URL (got ${JSON.stringify(requested)})`);
    }
    return { url: `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, ''), source: 'query' };
  }
  if (location.protocol === 'http:' || location.protocol === 'https:')
    return { url: location.origin, source: 'same-origin' };
  return { url: DEFAULT_SERVER_URL, source: 'default' };
}

const NOT_IN_BROWSER =
  'in a browser the console uses the server that served it: open the other server’s console URL (or add ?server=) instead';
const NO_TOKEN_STORE =
  'in a browser APO keeps no tokens: the server’s session cookie signs you in; a token given here lasts until this tab closes';

/** The same surface as the Electron bridge, for a plain browser: one connection, cookie session, no OS. */
export function createWebBridge(location: LocationLike, notifications?: WebNotifications): ApoBridge {
  // Held for the tab's life only, never in localStorage: any script on the origin could read that.
  const tokens = new Map<string, string>();
  const settle = <T>(produce: () => T): Promise<T> => {
    try {
      return Promise.resolve(produce());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const connection = (): Connection => {
    const { url } = resolveServerUrl(location);
    return { id: WEB_CONNECTION_ID, name: new URL(url).host, url, credentialKind: 'cookie' };
  };
  const list = (): ConnectionList => ({ connections: [connection()], activeId: WEB_CONNECTION_ID });
  const onlyThisServer = (id: string) => {
    if (id !== WEB_CONNECTION_ID) throw new Error(`no connection with id ${JSON.stringify(id)}`);
  };
  const refuse = () => Promise.reject(new Error(NOT_IN_BROWSER));

  return {
    platform: 'web',
    getServerUrl: () => settle(() => resolveServerUrl(location).url),
    listConnections: () => settle(list),
    addConnection: refuse,
    updateConnection: refuse,
    removeConnection: refuse,
    selectConnection: (id) =>
      settle(() => {
        onlyThisServer(id);
        return list();
      }),
    getKeyStoreStatus: () => Promise.resolve({ available: false, reason: NO_TOKEN_STORE }),
    saveCredential: (id, token) =>
      settle(() => {
        onlyThisServer(id);
        tokens.set(id, token);
        return { persisted: false, reason: NO_TOKEN_STORE };
      }),
    getCredential: (id) => Promise.resolve(tokens.get(id) ?? null),
    removeCredential: (id) =>
      settle(() => {
        tokens.delete(id);
      }),
    notify: async (input) => {
      // Loaded when first used: the contract's zod schemas are ~80 kB the first view does not need.
      const { notificationSchema } = await import('../../preload/bridge-contract.ts');
      const parsed = notificationSchema.safeParse(input);
      if (!parsed.success)
        throw new Error(
          `notification refused: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      return showWebNotification(notifications, parsed.data);
    },
    // The browser's own URL is the shareable link; apo:// links open the desktop app, not a tab.
    onDeepLink: () => () => undefined,
    // A browser tab has no application menu; the renderer binds its keyboard shortcuts itself.
    onMenuCommand: () => () => undefined,
    readTraceFile: () =>
      Promise.reject(new Error('File → Open is the desktop app’s: in a browser, choose or drop the file')),
  };
}

async function showWebNotification(
  api: WebNotifications | undefined,
  input: { title: string; body: string },
): Promise<NotificationResult> {
  if (api === undefined) return { shown: false, reason: 'this browser does not support notifications' };
  let permission = api.permission();
  if (permission === 'default') {
    try {
      permission = await api.requestPermission();
    } catch (err) {
      return {
        shown: false,
        reason: `the browser did not ask for permission (${err instanceof Error ? err.message : String(err)})`,
      };
    }
  }
  if (permission !== 'granted')
    return { shown: false, reason: 'notifications are blocked for this site in the browser’s settings' };
  try {
    api.show(input.title, input.body);
    return { shown: true };
  } catch (err) {
    return {
      shown: false,
      reason: `the notification could not be shown (${err instanceof Error ? err.message : String(err)})`,
    };
  }
}
