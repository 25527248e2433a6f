/**
 * The whole surface the renderer gets from the OS side. Kept free of `electron` and Node imports so the
 * renderer's type-check (DOM only) can import `ApoBridge` without pulling Node types in; preload/index.ts
 * wires it to ipcRenderer. Add a capability here, in the main process IPC handlers, and nowhere else.
 * Values cross from main unchecked by zod (a sandboxed preload cannot load it, see bridge-contract.ts), so
 * each result gets a small structural check: the renderer must not trust whatever crosses IPC either.
 *
 * The API (`window.apoBridge` in Electron; bridge/web-bridge.ts in a browser; get it with getBridge()):
 *   platform                                   'linux' | 'darwin' | 'win32' | 'web'
 *   getServerUrl(): Promise<string>            the active connection's URL (rejects when there is none)
 * Connections (servers): main keeps the list; the renderer probes each one's status itself.
 *   Connection = { id, name, url (http/https, no trailing slash), credentialKind: 'none' | 'token' | 'cookie' }
 *   listConnections(): Promise<ConnectionList>                      { connections, activeId }
 *   addConnection(input: ConnectionInput): Promise<ConnectionChange>  { connection, reloadNeeded }
 *   updateConnection(id, patch: ConnectionPatch): Promise<ConnectionChange>
 *   removeConnection(id): Promise<ConnectionList>   also forgets its token
 *   selectConnection(id): Promise<ConnectionList>
 * Credentials (a token per connection, in the OS key store):
 *   getKeyStoreStatus(): Promise<KeyStoreStatus>    { available: true } | { available: false, reason }
 *   saveCredential(connectionId, token): Promise<CredentialSaveResult>
 *       { persisted: true } | { persisted: false, reason }: show `reason`; the token still works until quit
 *   getCredential(connectionId): Promise<string | null>
 *   removeCredential(connectionId): Promise<void>
 * OS:
 *   notify({ title, body? }): Promise<NotificationResult>           { shown: true } | { shown: false, reason }
 *   onDeepLink(listener: (link: DeepLink) => void): () => void       apo:// links, { connectionId?, path }
 *       select `connectionId` if given (absent: stay on the active one), then open `path` (route + query)
 *       as the router would open the same path from a URL. Refused links never arrive: main tells the user.
 *   onMenuCommand(listener: (command: MenuCommand) => void): () => void   menu items and their shortcuts
 *       { type: 'navigate', path: '/overview' | '/service-map' | '/traces' | … } | { type: 'command-palette' }
 *       | { type: 'open-trace-file', file: { id, name, size } | failed: { name, message } }
 *       (the views and their Ctrl/Cmd+1…8 shortcuts are listed in main/menu.ts)
 *   readTraceFile(id, offset, length ≤ 8 MB): Promise<Uint8Array>   the file chosen in File → Open, by its
 *       id (main reads no other path); fewer bytes at its end
 * Every method rejects with a sentence for the user when main refuses (bad input, unknown connection).
 * In a browser: one connection (the server that served the page, credentialKind 'cookie'); add, update and
 * remove reject with what to do instead; no key store (a token lasts for the tab); notify uses the Web
 * Notification API or says why not; onDeepLink and onMenuCommand never fire.
 * Validate forms with the schemas in bridge-contract.ts to show the same messages before calling.
 */
import type {
  Connection,
  ConnectionChange,
  ConnectionInput,
  ConnectionList,
  ConnectionPatch,
  CredentialSaveResult,
  DeepLink,
  KeyStoreStatus,
  MenuCommand,
  NotificationInput,
  NotificationResult,
} from './bridge-contract.ts';

export const ipcChannels = {
  getServerUrl: 'apo:get-server-url',
  listConnections: 'apo:connections:list',
  addConnection: 'apo:connections:add',
  updateConnection: 'apo:connections:update',
  removeConnection: 'apo:connections:remove',
  selectConnection: 'apo:connections:select',
  getKeyStoreStatus: 'apo:credentials:status',
  saveCredential: 'apo:credentials:save',
  getCredential: 'apo:credentials:get',
  removeCredential: 'apo:credentials:remove',
  notify: 'apo:notify',
  readTraceFile: 'apo:trace-file:read',
  /** The renderer listens for deep links now: main delivers the one that started the app. */
  deepLinksReady: 'apo:deep-links:ready',
} as const;

/** Messages main sends to the renderer. */
export const ipcEvents = {
  deepLink: 'apo:deep-link',
  menuCommand: 'apo:menu-command',
} as const;

export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void;

export function createBridge(invoke: Invoke, platform: string, subscribe: Subscribe) {
  async function call<T>(
    channel: string,
    args: unknown[],
    isValid: (value: unknown) => value is T,
  ): Promise<T> {
    let result: unknown;
    try {
      result = await invoke(channel, ...args);
    } catch (err) {
      throw new Error(userMessage(err), { cause: err });
    }
    if (!isValid(result))
      throw new Error(`the main process answered ${channel} with something unexpected: ${preview(result)}`);
    return result;
  }
  function listen<T>(channel: string, isValid: (value: unknown) => value is T, listener: (value: T) => void) {
    return subscribe(channel, (payload) => {
      if (isValid(payload)) listener(payload);
      else console.warn(`apo bridge: ignored a malformed ${channel} message: ${preview(payload)}`);
    });
  }

  const bridge = {
    /** `process.platform` in Electron (`linux`, `darwin`, `win32`), `web` in a plain browser. */
    platform,
    /** Base URL of the active connection's APO server, without a trailing slash. */
    getServerUrl: (): Promise<string> => call(ipcChannels.getServerUrl, [], isHttpUrl),
    listConnections: (): Promise<ConnectionList> => call(ipcChannels.listConnections, [], isConnectionList),
    addConnection: (input: ConnectionInput): Promise<ConnectionChange> =>
      call(ipcChannels.addConnection, [input], isConnectionChange),
    updateConnection: (id: string, patch: ConnectionPatch): Promise<ConnectionChange> =>
      call(ipcChannels.updateConnection, [id, patch], isConnectionChange),
    removeConnection: (id: string): Promise<ConnectionList> =>
      call(ipcChannels.removeConnection, [id], isConnectionList),
    selectConnection: (id: string): Promise<ConnectionList> =>
      call(ipcChannels.selectConnection, [id], isConnectionList),
    getKeyStoreStatus: (): Promise<KeyStoreStatus> =>
      call(ipcChannels.getKeyStoreStatus, [], isKeyStoreStatus),
    /** Never rejects for a missing key store: the result says where the token went and why. */
    saveCredential: (connectionId: string, token: string): Promise<CredentialSaveResult> =>
      call(ipcChannels.saveCredential, [connectionId, token], isCredentialSaveResult),
    getCredential: (connectionId: string): Promise<string | null> =>
      call(ipcChannels.getCredential, [connectionId], isStringOrNull),
    removeCredential: async (connectionId: string): Promise<void> => {
      await call(ipcChannels.removeCredential, [connectionId], isUndefined);
    },
    notify: (input: NotificationInput): Promise<NotificationResult> =>
      call(ipcChannels.notify, [input], isNotificationResult),
    /** Bytes of the trace file chosen in File → Open (by the id its menu command carried), from `offset`. */
    readTraceFile: (id: string, offset: number, length: number): Promise<Uint8Array> =>
      call(ipcChannels.readTraceFile, [id, offset, length], isBytes),
    /** Returns the unsubscribe function. Subscribing also releases a link that arrived during start-up. */
    onDeepLink(listener: (link: DeepLink) => void): () => void {
      const unsubscribe = listen(ipcEvents.deepLink, isDeepLink, listener);
      invoke(ipcChannels.deepLinksReady).catch((err: unknown) => {
        console.warn(`apo bridge: deep links not enabled: ${userMessage(err)}`);
      });
      return unsubscribe;
    },
    /** Returns the unsubscribe function. */
    onMenuCommand: (listener: (command: MenuCommand) => void): (() => void) =>
      listen(ipcEvents.menuCommand, isMenuCommand, listener),
  };
  return bridge;
}

/** Inferred from the object above, so the type and the implementation cannot drift apart. */
export type ApoBridge = ReturnType<typeof createBridge>;

/** Electron prefixes a rejected invoke with "Error invoking remote method '<channel>': Error: ". */
export function userMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '');
}

function preview(value: unknown): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return String(value);
  try {
    return JSON.stringify(value).slice(0, 200);
  } catch {
    // A bigint or a cycle: the type is what matters in the message.
    return `(${typeof value})`;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';
const isUndefined = (v: unknown): v is undefined => v === undefined;
const isStringOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isHttpUrl = (v: unknown): v is string => isString(v) && /^https?:\/\//.test(v);

function isConnection(v: unknown): v is Connection {
  return (
    isRecord(v) &&
    isString(v.id) &&
    isString(v.name) &&
    isHttpUrl(v.url) &&
    (v.credentialKind === 'none' || v.credentialKind === 'token' || v.credentialKind === 'cookie')
  );
}
function isConnectionList(v: unknown): v is ConnectionList {
  return (
    isRecord(v) &&
    Array.isArray(v.connections) &&
    v.connections.every(isConnection) &&
    isStringOrNull(v.activeId)
  );
}
function isConnectionChange(v: unknown): v is ConnectionChange {
  return isRecord(v) && isConnection(v.connection) && typeof v.reloadNeeded === 'boolean';
}
function isKeyStoreStatus(v: unknown): v is KeyStoreStatus {
  return isRecord(v) && (v.available === true || (v.available === false && isString(v.reason)));
}
function isCredentialSaveResult(v: unknown): v is CredentialSaveResult {
  return isRecord(v) && (v.persisted === true || (v.persisted === false && isString(v.reason)));
}
function isNotificationResult(v: unknown): v is NotificationResult {
  return isRecord(v) && (v.shown === true || (v.shown === false && isString(v.reason)));
}
function isDeepLink(v: unknown): v is DeepLink {
  return (
    isRecord(v) &&
    isString(v.path) &&
    v.path.startsWith('/') &&
    !v.path.startsWith('//') &&
    (v.connectionId === undefined || isString(v.connectionId))
  );
}
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function isMenuCommand(v: unknown): v is MenuCommand {
  if (!isRecord(v)) return false;
  if (v.type === 'command-palette') return true;
  if (v.type === 'open-trace-file') {
    const { file, failed } = v;
    if (isRecord(file)) return isString(file.id) && isString(file.name) && isCount(file.size);
    return isRecord(failed) && isString(failed.name) && isString(failed.message);
  }
  return v.type === 'navigate' && isString(v.path) && v.path.startsWith('/') && !v.path.startsWith('//');
}
