/**
 * Opens the storage: connects (chDB in-process, or a ClickHouse server over HTTP), detects what the
 * engine supports, brings the schema up to date and the retention in line with the configuration.
 * Every query and DDL goes through the one `@clickhouse/client`; only bulk inserts take the
 * engine's own binary path (bulk-insert.ts).
 *
 * Never pass `clickhouse_settings` to this client: the chDB connection turns them into session-wide
 * `SET`s that stick to later statements. Put per-statement settings in the SQL (`SETTINGS …`).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient, ClickHouseClientConfigOptions } from '@clickhouse/client';
import { createFileInserter, createHttpInserter } from './bulk-insert.ts';
import type { BulkInserter } from './bulk-insert.ts';
import { detectCapabilities } from './capabilities.ts';
import { insertSettings } from './insert-partitions.ts';
import type { StorageCapabilities } from './capabilities.ts';
import { applyRetention } from './migrations/apply-retention.ts';
import { migrations } from './migrations/all-migrations.ts';
import { runMigrations } from './migrations/run-migrations.ts';
import type { StorageConfig, StorageConfigInput } from './storage-config.ts';
import { parseStorageConfig, retentionOf } from './storage-config.ts';
import type { StorageLog } from './storage-log.ts';
import { storageTables } from './tables/all-tables.ts';
import type { StorageTables } from './tables/all-tables.ts';
import { createDatabaseDdl, storedTableName } from './tables/table-ddl.ts';
import type { SchemaContext } from './tables/table-ddl.ts';
import type { Retention, RowBinaryTarget } from './tables/table-def.ts';
import { processAlive } from '@apo/otlp-transport';

export interface Storage {
  readonly engine: StorageConfig['engine'];
  /** Every query and DDL goes through this client. */
  readonly client: ClickHouseClient;
  readonly database: string;
  /** The ClickHouse cluster name in cluster mode. */
  readonly cluster: string | undefined;
  readonly capabilities: StorageCapabilities;
  readonly tables: StorageTables;
  /** The configured retention (days; the ledger's in hours), e.g. to drop RED rows its TTL would drop anyway. */
  readonly retention: Retention;
  /** `database.table`, for building queries from the table definitions. */
  qualified(table: { name: string }): string;
  /** The one bulk path: `rows` RowBinary rows in `table`'s column order. Keep `body` unchanged until it resolves. */
  insertRowBinary(table: RowBinaryTarget, body: Uint8Array, rows: number): Promise<void>;
  /**
   * A lightweight DELETE of the rows matching `where` (SQL with `{name:Type}` placeholders bound from
   * `params`). In cluster mode it runs on every shard's local table, since a Distributed table takes no DELETE.
   *
   * `wait: false` returns once the delete is queued (where the engine can): a DELETE that waits hangs while
   * the disk is full — in chDB holding up every other statement until space is freed — whereas a queued one
   * runs when it can. Rows inserted after it returns are not affected.
   */
  deleteRows(
    table: keyof StorageTables,
    where: string,
    params: Record<string, unknown>,
    options?: { wait?: boolean },
  ): Promise<void>;
  close(): Promise<void>;
}

/** Thrown when the embedded data directory is already in use. */
export class DataDirInUseError extends Error {
  readonly dataDir: string;
  constructor(dataDir: string, detail: string, options?: ErrorOptions) {
    super(
      `chDB data directory ${dataDir} is already open ${detail}; one process may open one data directory`,
      options,
    );
    this.name = 'DataDirInUseError';
    this.dataDir = dataDir;
  }
}

/** Data directories this process has open: chDB itself would silently share a second session. */
const openDataDirs = new Set<string>();

/** ClickHouse's `status` file names the process that holds the directory's lock. */
async function lockHolder(dataDir: string): Promise<{ pid: number; startedAt: string } | undefined> {
  try {
    const text = await readFile(resolve(dataDir, 'status'), 'utf8');
    const pid = /^PID:\s*(\d+)/m.exec(text)?.[1];
    if (pid === undefined) return undefined;
    return { pid: Number(pid), startedAt: /^Started at:\s*(.+)$/m.exec(text)?.[1] ?? 'unknown' };
  } catch {
    return undefined;
  }
}

async function openEmbedded(dataDir: string): Promise<ClickHouseClient> {
  if (openDataDirs.has(dataDir)) throw new DataDirInUseError(dataDir, 'in this process');
  // Claimed before the first await, so two concurrent opens cannot both pass the check.
  openDataDirs.add(dataDir);
  try {
    await mkdir(dataDir, { recursive: true });
    // Loaded here, not at the top: the engine's native library is large, and modules that only need the
    // storage layer's pure parts (row encoders, admission's helpers, their unit tests) must not load it.
    const { createChdbConnection } = await import('chdb/connection');
    // chdb types its connection with @clickhouse/client-common 1.23.0, the client bundles its own
    // copy of the same contract (1.23.1); the types differ only in the settings list.
    const connection = createChdbConnection({
      path: dataDir,
    }) as unknown as ClickHouseClientConfigOptions['connection'];
    return createClient({ connection });
  } catch (err) {
    openDataDirs.delete(dataDir);
    // chDB's own error only says "Failed to create connection"; the lock holder is in `status`.
    const holder = await lockHolder(dataDir);
    if (holder !== undefined && holder.pid !== process.pid && processAlive(holder.pid)) {
      throw new DataDirInUseError(dataDir, `by process ${holder.pid} (since ${holder.startedAt})`, {
        cause: err,
      });
    }
    throw new Error(`cannot open chDB data directory ${dataDir}: ${(err as Error).message}`, { cause: err });
  }
}

async function openRemote(config: StorageConfig): Promise<ClickHouseClient> {
  const auth = { url: config.url, username: config.user, password: config.password };
  // The database may not exist yet, and a client bound to a missing database fails every request.
  const bootstrap = createClient(auth);
  try {
    await bootstrap.command({ query: createDatabaseDdl(config) });
  } finally {
    await bootstrap.close();
  }
  return createClient({ ...auth, database: config.database });
}

/**
 * Connects, detects capabilities, runs migrations and applies retention changes. The configuration
 * is validated again here (identifiers end up in DDL), so any caller gets the same checks.
 */
export async function openStorage(input: StorageConfigInput, log: StorageLog): Promise<Storage> {
  const config = parseStorageConfig(input);
  const dataDir = config.engine === 'embedded' ? resolve(config.dataDir) : undefined;
  const client = dataDir !== undefined ? await openEmbedded(dataDir) : await openRemote(config);
  let inserter: BulkInserter | undefined;
  try {
    const capabilities = await detectCapabilities(client);
    const ctx: SchemaContext = {
      database: config.database,
      cluster: config.cluster,
      capabilities,
      retention: retentionOf(config),
    };
    const where = dataDir !== undefined ? `data directory ${dataDir}` : `database ${config.database}`;
    const applied = await runMigrations(client, ctx, migrations, log, where);
    const retained = await applyRetention(client, ctx, log);
    inserter =
      dataDir !== undefined
        ? await createFileInserter(client, config.database, log)
        : createHttpInserter(client, config.database, config.cluster !== undefined);
    log.info(
      {
        engine: config.engine,
        dataDir,
        database: config.database,
        cluster: config.cluster,
        version: capabilities.version,
        migrations: applied,
        retentionChanged: retained,
      },
      'storage open',
    );
    const bulk = inserter;
    // Per table, once: the writer's hot path only looks them up.
    const settingsOf = new Map<string, string[]>(
      Object.values(storageTables).map((t) => [t.name, insertSettings(t, ctx.retention)]),
    );
    let closed = false;
    return {
      engine: config.engine,
      client,
      database: config.database,
      cluster: config.cluster,
      capabilities,
      tables: storageTables,
      retention: ctx.retention,
      qualified: (table) => `${config.database}.${table.name}`,
      insertRowBinary: (table, body, rows) => bulk.insert(table, body, rows, settingsOf.get(table.name)),
      deleteRows: async (table, where, params, options) => {
        const cluster = config.cluster === undefined ? '' : ` ON CLUSTER ${config.cluster}`;
        const target = storedTableName(storageTables[table], { cluster: config.cluster });
        const queued = options?.wait === false && capabilities.asyncLightweightDelete;
        await client.command({
          query:
            `DELETE FROM ${config.database}.${target}${cluster} WHERE ${where}` +
            (queued ? ' SETTINGS lightweight_deletes_sync = 0' : ''),
          query_params: params,
        });
      },
      async close() {
        if (closed) return;
        closed = true;
        try {
          await bulk.close();
        } finally {
          await client.close();
          if (dataDir !== undefined) openDataDirs.delete(dataDir);
        }
      },
    };
  } catch (err) {
    await inserter?.close();
    await client.close();
    if (dataDir !== undefined) openDataDirs.delete(dataDir);
    throw err;
  }
}
