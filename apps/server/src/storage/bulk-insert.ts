/**
 * The one bulk path: a RowBinary body into one table, by each engine's own means (ARCHITECTURE §3).
 * - embedded (chDB): its `@clickhouse/client` connection sends insert bodies as UTF-8 text, which
 *   corrupts binary formats, so the body goes to a file on tmpfs and chDB reads it with `file()`;
 * - remote (ClickHouse over HTTP): `INSERT … FORMAT RowBinary` with the body as the request body.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { StorageLog } from './storage-log.ts';
import type { RowBinaryTarget } from './tables/table-def.ts';
import { processAlive } from '@apo/otlp-transport';

export interface BulkInserter {
  /**
   * Resolves once the rows are stored. `body` must not change until then. `settings`: the statement's
   * SETTINGS items (see insert-partitions.ts).
   */
  insert(table: RowBinaryTarget, body: Uint8Array, rows: number, settings?: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A ClickHouse string literal. */
function sqlString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const SPILL_PREFIX = 'apo-';
const SPILL_DIR = /^apo-(\d+)-[A-Za-z0-9]+$/;

/** Spill directories left behind by processes that died (kill -9 skips our clean-up). */
async function removeStaleSpillDirs(parent: string, log: StorageLog): Promise<void> {
  let names: string[];
  try {
    names = await readdir(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = SPILL_DIR.exec(name);
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    await rm(join(parent, name), { recursive: true, force: true }).catch((err: unknown) => {
      log.warn({ dir: join(parent, name), err }, 'could not remove a stale insert spill directory');
    });
  }
}

/** A private directory (mode 0700) under `parent`, or undefined when `parent` is not usable. */
async function makeSpillDir(parent: string): Promise<string | undefined> {
  try {
    await mkdir(parent, { recursive: true });
    return await mkdtemp(join(parent, `${SPILL_PREFIX}${process.pid}-`));
  } catch {
    return undefined;
  }
}

/**
 * chDB: write the body to a file in a private tmpfs directory (RAM, so no disk round-trip), let the
 * engine read it with `file(…, 'RowBinary', structure)`, delete it. Falls back to the OS temp
 * directory when /dev/shm is missing or full (containers often give it 64 MB).
 */
export async function createFileInserter(
  client: ClickHouseClient,
  database: string,
  log: StorageLog,
): Promise<BulkInserter> {
  const shm = '/dev/shm';
  await removeStaleSpillDirs(shm, log);
  await removeStaleSpillDirs(tmpdir(), log);
  const primary = (await makeSpillDir(shm)) ?? (await makeSpillDir(tmpdir()));
  if (primary === undefined)
    throw new Error(`no writable directory for insert files (tried ${shm} and ${tmpdir()})`);
  let fallback: string | undefined;
  let seq = 0;
  const nonce = randomBytes(4).toString('hex');

  const writeSpill = async (body: Uint8Array): Promise<string> => {
    const file = `${nonce}-${++seq}.bin`;
    try {
      await writeFile(join(primary, file), body);
      return join(primary, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC' || primary.startsWith(tmpdir())) throw err;
      await rm(join(primary, file), { force: true });
      fallback ??= await makeSpillDir(tmpdir());
      if (fallback === undefined) throw err;
      log.warn(
        { dir: primary, bytes: body.length },
        'tmpfs full; spilling this insert to the temp directory',
      );
      await writeFile(join(fallback, file), body);
      return join(fallback, file);
    }
  };

  return {
    async insert(table, body, rows, settings = []) {
      if (rows === 0) return;
      const path = await writeSpill(body);
      try {
        await client.command({
          query:
            `INSERT INTO ${database}.${table.name} ${table.columnList} ` +
            (settings.length > 0 ? `SETTINGS ${settings.join(', ')} ` : '') +
            `SELECT * FROM file(${sqlString(path)}, 'RowBinary', ${sqlString(table.structure)})`,
        });
      } finally {
        await rm(path, { force: true });
      }
    },
    async close() {
      await rm(primary, { recursive: true, force: true });
      if (fallback !== undefined) await rm(fallback, { recursive: true, force: true });
    },
  };
}

/**
 * The statement of a remote RowBinary insert. Into a Distributed table (cluster mode) the insert
 * waits until the shards have the rows (`insert_distributed_sync`, an alias of
 * `distributed_foreground_insert` that older servers know too): acknowledged means stored, not
 * queued on the receiving node.
 */
export function httpInsertStatement(
  database: string,
  table: RowBinaryTarget,
  distributed: boolean,
  settings: readonly string[] = [],
): string {
  const all = [...(distributed ? ['insert_distributed_sync = 1'] : []), ...settings];
  const clause = all.length > 0 ? ` SETTINGS ${all.join(', ')}` : '';
  return `INSERT INTO ${database}.${table.name} ${table.columnList}${clause} FORMAT RowBinary`;
}

/**
 * A ClickHouse server: the body goes out as the HTTP request body of `INSERT … FORMAT RowBinary`
 * (`exec` with `values` sends the statement as the `query` URL parameter). Not run here — no
 * ClickHouse server is available in this environment; the request shape is ClickHouse's documented
 * HTTP insert, and the statement is checked by ClickHouse's parser in the tests.
 */
export function createHttpInserter(
  client: ClickHouseClient,
  database: string,
  distributed: boolean,
): BulkInserter {
  return {
    async insert(table, body, rows, settings = []) {
      if (rows === 0) return;
      const { stream } = await client.exec({
        query: httpInsertStatement(database, table, distributed, settings),
        values: Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]),
      });
      // Drain the (empty) response so the socket returns to the keep-alive pool.
      for await (const _chunk of stream as AsyncIterable<unknown>) {
        /* nothing */
      }
    },
    async close() {
      /* the client owns the sockets */
    },
  };
}
