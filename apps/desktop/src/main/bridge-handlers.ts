/**
 * Main's side of every bridge method: the argument schema of each channel and what it does. The table is
 * registered through ipc.ts, which checks the sender and parses the arguments before any of this runs.
 */
import { z } from 'zod';
import {
  connectionIdSchema,
  connectionInputSchema,
  connectionPatchSchema,
  notificationSchema,
  tokenSchema,
  traceFileReadSchema,
  type Connection,
  type ConnectionChange,
} from '../preload/bridge-contract.ts';
import { ipcChannels } from '../preload/bridge.ts';
import { ConnectionError, type ConnectionStore } from './connections.ts';
import type { CredentialVault } from './credentials.ts';
import { ipcHandler, type IpcHandler } from './ipc.ts';
import { showNotification, type NotificationApi } from './notifications.ts';
import type { TraceFiles } from './trace-files.ts';

export interface BridgeHandlerDeps {
  connections: ConnectionStore;
  vault: CredentialVault;
  notifications: NotificationApi;
  /** The trace file chosen in File → Open: the only file the renderer can read through the bridge. */
  traceFiles: TraceFiles;
  focusWindow: () => void;
  deepLinksReady: () => void;
  /** Origins the loaded page's Content-Security-Policy allows (fixed when the page loaded). */
  pageOrigins: () => readonly string[];
}

export function bridgeHandlers(deps: BridgeHandlerDeps): Record<string, IpcHandler> {
  const { connections, vault } = deps;
  const change = (connection: Connection): ConnectionChange => ({
    connection,
    reloadNeeded: !deps.pageOrigins().includes(new URL(connection.url).origin),
  });
  const existing = (id: string): Connection => {
    const connection = connections.get(id);
    // A token for an id no connection has would be a secret nothing ever cleans up.
    if (connection === undefined) throw new ConnectionError(`no connection with id ${JSON.stringify(id)}`);
    return connection;
  };

  return {
    [ipcChannels.getServerUrl]: ipcHandler(z.tuple([]), () => {
      const active = connections.active();
      if (active === undefined)
        throw new ConnectionError('no APO server is configured: add a connection first');
      return active.url;
    }),
    [ipcChannels.listConnections]: ipcHandler(z.tuple([]), () => connections.list()),
    [ipcChannels.addConnection]: ipcHandler(z.tuple([connectionInputSchema]), async ([input]) =>
      change(await connections.add(input)),
    ),
    [ipcChannels.updateConnection]: ipcHandler(
      z.tuple([connectionIdSchema, connectionPatchSchema]),
      async ([id, patch]) => change(await connections.update(id, patch)),
    ),
    [ipcChannels.removeConnection]: ipcHandler(z.tuple([connectionIdSchema]), ([id]) =>
      connections.remove(id),
    ),
    [ipcChannels.selectConnection]: ipcHandler(z.tuple([connectionIdSchema]), ([id]) =>
      connections.select(id),
    ),
    [ipcChannels.getKeyStoreStatus]: ipcHandler(z.tuple([]), () => vault.status()),
    [ipcChannels.saveCredential]: ipcHandler(z.tuple([connectionIdSchema, tokenSchema]), ([id, token]) =>
      vault.save(existing(id).id, token),
    ),
    [ipcChannels.getCredential]: ipcHandler(z.tuple([connectionIdSchema]), ([id]) =>
      vault.get(existing(id).id),
    ),
    [ipcChannels.removeCredential]: ipcHandler(z.tuple([connectionIdSchema]), async ([id]) => {
      await vault.remove(id);
    }),
    [ipcChannels.notify]: ipcHandler(z.tuple([notificationSchema]), ([input]) =>
      showNotification(deps.notifications, input, deps.focusWindow),
    ),
    [ipcChannels.readTraceFile]: ipcHandler(traceFileReadSchema, ([id, offset, length]) =>
      deps.traceFiles.read(id, offset, length),
    ),
    [ipcChannels.deepLinksReady]: ipcHandler(z.tuple([]), () => {
      deps.deepLinksReady();
    }),
  };
}
