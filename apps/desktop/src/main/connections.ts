/**
 * The APO servers the desktop app knows (Lens-style cluster switcher), in connections.json under userData.
 * Main owns the list and which one is active; the renderer probes each server's status itself, because it
 * is the one holding the session and the network path the console will actually use.
 * Tokens are not here: they sit in the credential vault, keyed by connection id.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  connectionSchema,
  type Connection,
  type ConnectionList,
  type CredentialKind,
} from '../preload/bridge-contract.ts';
import { describeError, readSettingsFile, serialisedWriter, type Warn } from './settings-file.ts';

/** Enough for every cluster a team runs; a bound so a looping script cannot grow the file without end. */
export const MAX_CONNECTIONS = 100;

/** A request the store refuses; its message is shown to the user as is. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** Parsed (zod-checked) input: the store trusts its callers to have parsed, as the IPC layer does. */
interface ValidConnectionInput {
  name: string;
  url: string;
  credentialKind: CredentialKind;
}

export interface ConnectionStore {
  list(): ConnectionList;
  get(id: string): Connection | undefined;
  active(): Connection | undefined;
  add(input: ValidConnectionInput): Promise<Connection>;
  update(id: string, patch: Partial<ValidConnectionInput>): Promise<Connection>;
  /** Also forgets the connection's token: a removed server must not leave a secret behind. */
  remove(id: string): Promise<ConnectionList>;
  select(id: string): Promise<ConnectionList>;
  /** Origins the console may fetch from (its Content-Security-Policy's connect-src). */
  origins(): string[];
}

export interface ConnectionStoreOptions {
  /** connections.json under userData. */
  file: string;
  /** Seeds the list on first start (APO_SERVER_URL or the local default). */
  defaultServerUrl: string;
  forgetCredential: (connectionId: string) => Promise<void>;
  warn: Warn;
  newId?: () => string;
}

const connectionsFileSchema = z.object({
  version: z.literal(1),
  activeId: z.string().nullable(),
  connections: z.array(connectionSchema).max(MAX_CONNECTIONS),
});
type ConnectionsFile = z.infer<typeof connectionsFileSchema>;

export async function openConnectionStore(options: ConnectionStoreOptions): Promise<ConnectionStore> {
  const { file, warn, forgetCredential } = options;
  const newId = options.newId ?? randomUUID;
  const write = serialisedWriter(file, warn);
  const seed = (): ConnectionsFile => {
    const id = newId();
    const name = `Local (${new URL(options.defaultServerUrl).host})`;
    return {
      version: 1,
      activeId: id,
      connections: [{ id, name, url: options.defaultServerUrl, credentialKind: 'none' }],
    };
  };
  let state = await readSettingsFile(file, connectionsFileSchema, seed, warn);
  state = withValidActive(state);

  const snapshot = (): ConnectionList => ({
    connections: state.connections.map((c) => ({ ...c })),
    activeId: state.activeId,
  });
  const find = (id: string): Connection => {
    const found = state.connections.find((c) => c.id === id);
    if (found === undefined) throw new ConnectionError(`no connection with id ${JSON.stringify(id)}`);
    return found;
  };
  const assertUniqueName = (name: string, exceptId?: string) => {
    const clash = state.connections.find(
      (c) => c.id !== exceptId && c.name.toLowerCase() === name.toLowerCase(),
    );
    // Names must be unique: apo://<name>/… deep links pick the connection by it.
    if (clash !== undefined) throw new ConnectionError(`a connection named "${clash.name}" already exists`);
  };
  const commit = async (next: ConnectionsFile) => {
    state = withValidActive(next);
    try {
      await write(state);
    } catch (err) {
      // The change holds for this run; the user learns it will not survive a restart, and why.
      throw new ConnectionError(
        `the change applies until you quit, but the connection list could not be saved (${describeError(err)})`,
        { cause: err },
      );
    }
  };

  return {
    list: snapshot,
    get: (id) => {
      const found = state.connections.find((c) => c.id === id);
      return found === undefined ? undefined : { ...found };
    },
    active: () => {
      const found = state.connections.find((c) => c.id === state.activeId);
      return found === undefined ? undefined : { ...found };
    },
    async add(input) {
      if (state.connections.length >= MAX_CONNECTIONS)
        throw new ConnectionError(`at most ${MAX_CONNECTIONS} connections can be kept`);
      assertUniqueName(input.name);
      const connection: Connection = { id: newId(), ...input };
      await commit({
        ...state,
        activeId: state.activeId ?? connection.id,
        connections: [...state.connections, connection],
      });
      return { ...connection };
    },
    async update(id, patch) {
      const current = find(id);
      if (patch.name !== undefined) assertUniqueName(patch.name, id);
      const updated: Connection = {
        id,
        name: patch.name ?? current.name,
        url: patch.url ?? current.url,
        credentialKind: patch.credentialKind ?? current.credentialKind,
      };
      await commit({ ...state, connections: state.connections.map((c) => (c.id === id ? updated : c)) });
      // A token must not follow a connection to another server, nor stay when it no longer uses one.
      if (updated.url !== current.url || updated.credentialKind !== 'token') await forgetCredential(id);
      return { ...updated };
    },
    async remove(id) {
      find(id);
      await commit({ ...state, connections: state.connections.filter((c) => c.id !== id) });
      await forgetCredential(id);
      return snapshot();
    },
    async select(id) {
      find(id);
      await commit({ ...state, activeId: id });
      return snapshot();
    },
    origins: () => [...new Set(state.connections.map((c) => new URL(c.url).origin))],
  };
}

/** The active id always names a listed connection (the first one after the active one is removed). */
function withValidActive(state: ConnectionsFile): ConnectionsFile {
  if (state.connections.some((c) => c.id === state.activeId)) return state;
  return { ...state, activeId: state.connections[0]?.id ?? null };
}
