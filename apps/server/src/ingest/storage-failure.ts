/**
 * Why a write to storage failed, in the two classes the writer acts on:
 * - `unavailable`: the storage cannot write right now (disk full, connection, timeout, memory, merges
 *   behind, schema missing). Nothing about the data; every sender retries after a delay.
 * - `refused`: the engine refused these rows (a limit, a value it cannot take). Retrying the same rows
 *   gets the same answer, so the writer looks for the request that carries them (flush-isolation.ts).
 *
 * Unknown errors count as `unavailable`: wrongly retrying costs a delay, wrongly refusing loses a batch.
 * The reason is built from the engine's error name, never from its message, which can quote SQL and paths.
 */

/** A write that did not finish within `storage.writeTimeoutMs`; it may still finish in the background. */
export class StorageTimeoutError extends Error {
  override readonly name = 'StorageTimeoutError';
}

export interface StorageFailure {
  kind: 'unavailable' | 'refused';
  /** For clients and /readyz: what went wrong, without SQL or paths. */
  reason: string;
}

/** Engine errors that say the storage cannot write now, with what a client may be told. */
const unavailableTypes: Readonly<Record<string, string>> = {
  NOT_ENOUGH_SPACE: 'not enough disk space',
  CANNOT_WRITE_TO_FILE_DESCRIPTOR: 'cannot write to disk',
  CANNOT_WRITE_TO_OSTREAM: 'cannot write to disk',
  CANNOT_FSYNC: 'cannot write to disk',
  CANNOT_OPEN_FILE: 'cannot open a data file',
  CANNOT_ALLOCATE_MEMORY: 'out of memory',
  MEMORY_LIMIT_EXCEEDED: 'out of memory',
  TOO_MANY_PARTS: 'merges are behind inserts',
  TOO_MANY_SIMULTANEOUS_QUERIES: 'too many queries',
  TIMEOUT_EXCEEDED: 'timeout',
  SOCKET_TIMEOUT: 'timeout',
  NETWORK_ERROR: 'network error',
  ALL_CONNECTION_TRIES_FAILED: 'cannot connect',
  ABORTED: 'the engine aborted the write',
  QUERY_WAS_CANCELLED: 'the engine cancelled the write',
  TABLE_IS_READ_ONLY: 'the table is read-only',
  READONLY: 'the storage is read-only',
  ACCESS_DENIED: 'access denied',
  AUTHENTICATION_FAILED: 'access denied',
  KEEPER_EXCEPTION: 'coordination (Keeper) error',
  NO_ZOOKEEPER: 'coordination (Keeper) unavailable',
  // Our schema or statement, not the data: every request would fail the same way.
  UNKNOWN_TABLE: 'schema problem (a table is missing)',
  UNKNOWN_DATABASE: 'schema problem (the database is missing)',
  NO_SUCH_COLUMN_IN_TABLE: 'schema problem (a column is missing)',
  THERE_IS_NO_COLUMN: 'schema problem (a column is missing)',
  NOT_FOUND_COLUMN_IN_BLOCK: 'schema problem (a column is missing)',
  UNKNOWN_IDENTIFIER: 'schema problem',
  SYNTAX_ERROR: 'schema problem',
  TABLE_IS_DROPPED: 'schema problem (a table was dropped)',
  UNKNOWN_SETTING: 'the engine does not know a setting the writer uses',
};

/** Refusals of the data, described for the sender. */
const refusedTypes: Readonly<Record<string, string>> = {
  TOO_LARGE_STRING_SIZE: 'a value is too long',
  TOO_LARGE_ARRAY_SIZE: 'an array is too long',
  VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE: 'a value is out of range',
  ARGUMENT_OUT_OF_BOUND: 'a value is out of range',
  DECIMAL_OVERFLOW: 'a value is out of range',
  INCORRECT_DATA: 'a value the engine cannot read',
  VIOLATED_CONSTRAINT: 'a value breaks a constraint of the table',
};

/** Node's system errors that mean storage or the network is unavailable (spill files, HTTP sockets). */
const unavailableSystemCodes = new Set([
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EROFS',
  'ENOMEM',
  'EMFILE',
  'ENFILE',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The engine's error name (`TOO_MANY_PARTS`), from @clickhouse/client's ClickHouseError or chDB's. */
function engineErrorType(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const type = (err as { type?: unknown }).type;
  return typeof type === 'string' && /^[A-Z0-9_]+$/.test(type) ? type : undefined;
}

export function classifyStorageFailure(err: unknown): StorageFailure {
  if (err instanceof StorageTimeoutError) return { kind: 'unavailable', reason: err.message };
  const type = engineErrorType(err);
  if (type !== undefined) {
    const message = err instanceof Error ? err.message : '';
    // The per-insert partition limit shares TOO_MANY_PARTS with "merges are behind", which is transient.
    if (type === 'TOO_MANY_PARTS' && /partitions for (a )?single INSERT block/i.test(message)) {
      return {
        kind: 'refused',
        reason: 'the request spans more days (partitions) than the storage takes in one insert',
      };
    }
    const unavailable = unavailableTypes[type];
    if (unavailable !== undefined) return { kind: 'unavailable', reason: `${unavailable} (${type})` };
    const refused = refusedTypes[type] ?? 'the storage engine refused the data';
    return { kind: 'refused', reason: `${refused} (${type})` };
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && unavailableSystemCodes.has(code)) {
    return { kind: 'unavailable', reason: `storage I/O error (${code})` };
  }
  return { kind: 'unavailable', reason: 'storage error' };
}
