/**
 * Opening the storage against the real embedded engine (chDB): capabilities, migrations, retention,
 * and the one-process-per-data-directory rule. One data directory for the whole file — one process
 * may open one chDB directory — reopened in sequence where a test needs a fresh start-up.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpInsertStatement } from './bulk-insert.ts';
import { insertSettings } from './insert-partitions.ts';
import { BatchLedger, bindingConflict } from '../ingest/batch-ledger.ts';
import { capabilitiesOf } from './capabilities.ts';
import { migrations } from './migrations/all-migrations.ts';
import { DataDirInUseError, openStorage } from './open-storage.ts';
import type { Storage } from './open-storage.ts';
import { RowBinaryWriter } from './row-binary-writer.ts';
import { appendSpanRows } from './rows/spans.ts';
import type { StorageConfigInput } from './storage-config.ts';
import { CapturingLog, selectRows } from './storage-test-support.ts';
import { tracesFixture } from './telemetry-fixtures.ts';
import { createDatabaseDdl, createTableDdl, createTraceIndexViewDdl } from './tables/table-ddl.ts';

let dataDir: string;
let storage: Storage;
let log: CapturingLog;

const config = (overrides: Partial<StorageConfigInput> = {}): StorageConfigInput => ({
  engine: 'embedded',
  dataDir,
  ...overrides,
});

const rows = <T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> =>
  selectRows<T>(storage, sql, params);

async function engineFull(table: string): Promise<string> {
  const [row] = await rows<{ engine_full: string }>(
    "SELECT engine_full FROM system.tables WHERE database = 'apo' AND name = {t:String}",
    { t: table },
  );
  return row?.engine_full ?? '';
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-storage-test-'));
  log = new CapturingLog();
  storage = await openStorage(config(), log);
});

afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('capabilities', () => {
  it('detects the engine version once, with the text index from 26.2 on', () => {
    expect(storage.capabilities.version).toMatch(/^\d+\.\d+\./);
    expect(storage.capabilities.textIndex).toBe(true);
    expect(capabilitiesOf('26.1.4.10').textIndex).toBe(false);
    expect(capabilitiesOf('25.12.1.1').textIndex).toBe(false);
    expect(capabilitiesOf('26.2.1.1').textIndex).toBe(true);
    expect(capabilitiesOf('27.1').textIndex).toBe(true);
    expect(storage.capabilities.mergeSelectorBase).toBe(true);
    expect(capabilitiesOf('24.10.3.1').mergeSelectorBase).toBe(false);
    expect(capabilitiesOf('23.12.1.1').mergeSelectorBase).toBe(false);
    expect(capabilitiesOf('24.11.1.1').mergeSelectorBase).toBe(true);
    expect(capabilitiesOf('25.3.2.1').mergeSelectorBase).toBe(true);
    expect(() => capabilitiesOf('unknown')).toThrow(/unrecognised ClickHouse version/);
  });
});

describe('migrations', () => {
  it('create every table and the trace-index view on a fresh data directory and record the versions', async () => {
    const tables = await rows<{ name: string; engine: string }>(
      "SELECT name, engine FROM system.tables WHERE database = 'apo' ORDER BY name",
    );
    expect(tables).toEqual([
      { name: 'delay_source_1m', engine: 'ReplacingMergeTree' },
      { name: 'events', engine: 'MergeTree' },
      { name: 'ingest_ledger', engine: 'MergeTree' },
      { name: 'kubernetes_pods', engine: 'ReplacingMergeTree' },
      { name: 'logs', engine: 'MergeTree' },
      { name: 'metrics', engine: 'MergeTree' },
      { name: 'red_client_1m', engine: 'MergeTree' },
      { name: 'red_server_1m', engine: 'MergeTree' },
      { name: 'schema_migrations', engine: 'MergeTree' },
      { name: 'spans', engine: 'MergeTree' },
      { name: 'topology_edges', engine: 'ReplacingMergeTree' },
      { name: 'topology_windows', engine: 'ReplacingMergeTree' },
      { name: 'trace_index', engine: 'AggregatingMergeTree' },
      { name: 'trace_index_mv', engine: 'MaterializedView' },
    ]);
    const applied = await rows<{ version: number; name: string }>(
      'SELECT version, name FROM apo.schema_migrations ORDER BY version',
    );
    expect(applied).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    expect(log.entries.filter((e) => e.msg === 'storage migration applied')).toHaveLength(migrations.length);
  });

  it('build the schema from the definitions: codecs, order, TTL, skip indexes', async () => {
    const [logs] = await rows<{ q: string }>(
      "SELECT create_table_query AS q FROM system.tables WHERE database = 'apo' AND name = 'logs'",
    );
    expect(logs?.q).toContain('INDEX idx_body lower(body) TYPE text(tokenizer = splitByNonAlpha)');
    expect(logs?.q).toContain('INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1');
    expect(logs?.q).toContain('ORDER BY (cluster, toStartOfFiveMinutes(ts), service, ts)');
    const spans = await engineFull('spans');
    expect(spans).toContain(
      'PARTITION BY toDate(ts) ORDER BY (cluster, service, name, ts) TTL toDateTime(ts) + toIntervalDay(7)',
    );
    expect(spans).toContain('ttl_only_drop_parts = 1');
    expect(spans).toContain('merge_selector_base = 10');
    expect(await engineFull('metrics')).toContain('toIntervalDay(30)');
    expect(await engineFull('events')).toContain('toIntervalDay(90)');
    expect(await engineFull('ingest_ledger')).toContain('TTL toDateTime(stored_at) + toIntervalHour(24)');
    // RED rollups: their own retention (40 days by default), independent of the spans' 7.
    expect(await engineFull('red_server_1m')).toContain(
      'PARTITION BY toDate(minute) ORDER BY (cluster, service, endpoint, minute) TTL minute + toIntervalDay(40)',
    );
    expect(await engineFull('red_client_1m')).toContain('TTL minute + toIntervalDay(40)');
    const columns = await rows<{ name: string; type: string; codec: string }>(
      "SELECT name, type, compression_codec AS codec FROM system.columns WHERE database = 'apo' AND table = 'spans' ORDER BY position",
    );
    // The written columns in order, then the ones the engine computes on insert.
    expect(columns.map((c) => c.name)).toEqual(
      [...storage.tables.spans.columns, ...(storage.tables.spans.computedColumns ?? [])].map((c) => c.name),
    );
    expect(columns.find((c) => c.name === 'ts')).toEqual({
      name: 'ts',
      type: 'DateTime64(9)',
      codec: 'CODEC(Delta(8), ZSTD(1))',
    });
    expect(columns.find((c) => c.name === 'duration_ns')?.codec).toBe('CODEC(T64, ZSTD(1))');
    // The table definitions and the engine agree on every insertable table's column order and types.
    for (const table of [
      storage.tables.spans,
      storage.tables.logs,
      storage.tables.events,
      storage.tables.metrics,
      storage.tables.red_server_1m,
      storage.tables.red_client_1m,
      storage.tables.ingest_ledger,
    ]) {
      const live = await rows<{ name: string; type: string }>(
        "SELECT name, type FROM system.columns WHERE database = 'apo' AND table = {t:String} ORDER BY position",
        { t: table.name },
      );
      expect(live).toEqual(
        [...table.columns, ...(table.computedColumns ?? [])].map((c) => ({ name: c.name, type: c.type })),
      );
    }
  });

  it('generate cluster DDL and remote insert statements that ClickHouse parses (no cluster or server runs here)', async () => {
    const ctx = {
      database: 'apo',
      cluster: 'obs-cluster',
      capabilities: storage.capabilities,
      retention: { spans: 7, logs: 7, metrics: 30, events: 90, red: 40, ledgerHours: 48 },
    };
    const statements = [
      createDatabaseDdl(ctx),
      ...Object.values(storage.tables).flatMap((t) => createTableDdl(t, ctx)),
      createTraceIndexViewDdl(ctx),
    ];
    expect(httpInsertStatement('apo', storage.tables.ingest_ledger, true)).toBe(
      'INSERT INTO apo.ingest_ledger (batch_id, flush_id, cluster, stored_at, signal, digest) SETTINGS insert_distributed_sync = 1 FORMAT RowBinary',
    );
    const spanSettings = insertSettings(storage.tables.spans, ctx.retention);
    expect(spanSettings).toEqual(['max_partitions_per_insert_block = 10']);
    statements.push(
      httpInsertStatement('apo', storage.tables.spans, true, spanSettings),
      httpInsertStatement('apo', storage.tables.spans, false, spanSettings),
    );
    for (const statement of statements) {
      const [row] = await rows<{ q: string }>('SELECT formatQuery({s:String}) AS q', { s: statement });
      expect(row?.q).toMatch(/^(CREATE|INSERT)/);
    }
  });
});

describe('one data directory, one process', () => {
  it('refuses a second open in this process', async () => {
    await expect(openStorage(config(), log)).rejects.toThrow(DataDirInUseError);
    await expect(openStorage(config(), log)).rejects.toThrow(
      `chDB data directory ${dataDir} is already open in this process`,
    );
  });

  it('refuses a second process with a message naming the directory and the holder', async () => {
    const openStoragePath = fileURLToPath(new URL('./open-storage.ts', import.meta.url));
    const script = `
      import { openStorage } from ${JSON.stringify(openStoragePath)};
      const quiet = { info() {}, warn() {}, error() {} };
      try {
        const s = await openStorage({ engine: 'embedded', dataDir: ${JSON.stringify(dataDir)} }, quiet);
        console.log('OPENED');
        await s.close();
        process.exit(0);
      } catch (err) {
        console.log(err.name + ': ' + err.message);
        process.exit(3);
      }`;
    const run = promisify(execFile);
    const outcome = await run(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 60_000,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (err: unknown) => err as { code: number; stdout: string },
    );
    expect(outcome.code).toBe(3);
    expect(outcome.stdout.trim()).toMatch(
      new RegExp(
        `^DataDirInUseError: chDB data directory ${dataDir} is already open by process ${process.pid} \\(since .+\\); one process may open one data directory$`,
      ),
    );
  });
});

describe('start-up on an existing data directory', () => {
  it('applies no migration twice, keeps the data, and applies changed retentions', async () => {
    const w = new RowBinaryWriter();
    const n = appendSpanRows(w, tracesFixture(), { cluster: 'c1', flushId: 1n });
    await storage.insertRowBinary(storage.tables.spans, w.bytes(), n);
    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3, events: 90 }, ledgerRetentionHours: 12 }), log);
    expect(log.messages()).not.toContain('storage migration applied');
    const applied = await rows<{ version: number }>('SELECT version FROM apo.schema_migrations');
    expect(applied).toHaveLength(migrations.length);
    const [spans] = await rows<{ n: string }>('SELECT count() AS n FROM apo.spans');
    expect(spans?.n).toBe('4');
    expect(await engineFull('logs')).toContain('TTL toDateTime(ts) + toIntervalDay(3)');
    expect(await engineFull('ingest_ledger')).toContain('TTL toDateTime(stored_at) + toIntervalHour(12)');
    expect(await engineFull('spans')).toContain('toIntervalDay(7)');
    const changed = log.entries
      .filter((e) => e.msg === 'storage retention changed')
      .map((e) => (e.obj as { table: string }).table);
    expect(changed.sort()).toEqual(['ingest_ledger', 'logs']);

    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3 }, ledgerRetentionHours: 12 }), log);
    expect(log.messages()).not.toContain('storage retention changed');
    expect(log.messages()).toContain('storage open');
  });

  it('upgrades a data directory of the first release: 0002 adds the RED rollups, the data stays', async () => {
    // Back to what 0001 alone left: no RED tables, default merges for spans, only version 1 recorded.
    await storage.client.command({ query: 'DROP TABLE apo.red_server_1m' });
    await storage.client.command({ query: 'DROP TABLE apo.red_client_1m' });
    await storage.client.command({ query: 'ALTER TABLE apo.spans RESET SETTING merge_selector_base' });
    await storage.client.command({
      query: 'ALTER TABLE apo.ingest_ledger DROP COLUMN signal, DROP COLUMN digest',
    });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version >= 2' });
    expect(await rows('SELECT version FROM apo.schema_migrations')).toEqual([{ version: 1 }]);
    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3, red: 45 }, ledgerRetentionHours: 12 }), log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 2, migration: 'red-rollups' },
      { version: 3, migration: 'spans-merge-width' },
      { version: 4, migration: 'kubernetes-pods' },
      { version: 5, migration: 'ledger-batch-binding' },
      { version: 6, migration: 'red-overview-projections' },
      { version: 7, migration: 'topology' },
      { version: 8, migration: 'delay-source' },
      { version: 9, migration: 'metrics-by-host' },
      { version: 10, migration: 'spans-by-time' },
    ]);
    expect(await engineFull('red_server_1m')).toContain('TTL minute + toIntervalDay(45)');
    expect(await engineFull('red_client_1m')).toContain('TTL minute + toIntervalDay(45)');
    const [spans] = await rows<{ n: string }>('SELECT count() AS n FROM apo.spans');
    expect(spans?.n).toBe('4');
  });

  it('upgrades a data directory of an earlier release: 0003 widens the merges of spans, the data stays', async () => {
    const w = new RowBinaryWriter();
    const n = appendSpanRows(w, tracesFixture(), { cluster: 'c1', flushId: 2n });
    await storage.insertRowBinary(storage.tables.spans, w.bytes(), n);
    const [before] = await rows<{ n: string }>('SELECT count() AS n FROM apo.spans');
    // Back to what 0001 + 0002 left: spans with the default merge selector, versions 1 and 2 recorded.
    await storage.client.command({ query: 'ALTER TABLE apo.spans RESET SETTING merge_selector_base' });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version = 3' });
    expect(await engineFull('spans')).not.toContain('merge_selector_base');
    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3, red: 45 }, ledgerRetentionHours: 12 }), log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 3, migration: 'spans-merge-width' },
    ]);
    expect(await engineFull('spans')).toContain('merge_selector_base = 10');
    const [after] = await rows<{ n: string }>('SELECT count() AS n FROM apo.spans');
    expect(Number(after?.n)).toBeGreaterThanOrEqual(n);
    expect(after?.n).toBe(before?.n);
  });

  it('upgrades a data directory of an earlier release: 0004 adds the Kubernetes pod snapshots', async () => {
    await storage.client.command({ query: 'DROP TABLE apo.kubernetes_pods' });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version = 4' });
    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3, red: 45 }, ledgerRetentionHours: 12 }), log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 4, migration: 'kubernetes-pods' },
    ]);
    expect(await engineFull('kubernetes_pods')).toMatch(
      /^ReplacingMergeTree\(published_at\) ORDER BY cluster/,
    );
  });

  it('upgrades a data directory of an earlier release: 0005 binds ledger ids to signal and digest, old rows stay unbound', async () => {
    await storage.client.command({
      query: 'ALTER TABLE apo.ingest_ledger DROP COLUMN signal, DROP COLUMN digest',
    });
    await storage.client.command({
      query:
        "INSERT INTO apo.ingest_ledger (batch_id, flush_id, cluster, stored_at) VALUES ('old-batch', 7, 'c1', now64(3))",
    });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version = 5' });
    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3, red: 45 }, ledgerRetentionHours: 12 }), log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 5, migration: 'ledger-batch-binding' },
    ]);
    const ledger = await BatchLedger.load(storage, 3_600_000);
    expect(ledger.get('old-batch')).toMatchObject({ signal: '', digest: '' });
    // An id stored before 0005 matches any signal and content, as it did then.
    expect(bindingConflict('old-batch', ledger.get('old-batch')!, { signal: 'logs', digest: 'x' })).toBe(
      undefined,
    );
  });

  it('upgrades a data directory of an earlier release: 0006 adds the time-sorted RED projections and builds them for old parts', async () => {
    const PROJECTIONS = ['red_service_hourly', 'red_service_minutely', 'red_hourly', 'red_minutely'];
    const hourly = `SELECT service, sum(count) AS n, sumForEach(bucket_counts) AS b FROM apo.red_server_1m
      WHERE toStartOfHour(minute) >= toDateTime('2026-12-01 01:00:00', 'UTC')
        AND toStartOfHour(minute) < toDateTime('2026-12-01 05:00:00', 'UTC')
      GROUP BY service ORDER BY service`;
    for (const projection of PROJECTIONS)
      await storage.client.command({ query: `ALTER TABLE apo.red_server_1m DROP PROJECTION ${projection}` });
    await storage.client.command({
      query: 'ALTER TABLE apo.red_server_1m RESET SETTING lightweight_mutation_projection_mode',
    });
    await storage.client.command({
      query: `INSERT INTO apo.red_server_1m (cluster, minute, service, endpoint, instance, kind, error, count,
                error_count, duration_sum_ms, bucket_counts, flush_id)
              SELECT 'c1', toDateTime('2026-12-01 00:00:00', 'UTC') + number * 60, 'old-' || toString(number % 2),
                'GET /', 'i', 'server', false, 1, 0, 1.5, [1, 0], number % 3
              FROM numbers(600)`,
    });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version = 6' });
    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3, red: 45 }, ledgerRetentionHours: 12 }), log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 6, migration: 'red-overview-projections' },
    ]);
    for (const projection of PROJECTIONS)
      await storage.client.command({
        query: `ALTER TABLE apo.red_server_1m MATERIALIZE PROJECTION ${projection} SETTINGS mutations_sync = 1`,
      });
    const plan = await rows<{ explain: string }>(`EXPLAIN ${hourly}`);
    // Grouped by service: the per-service hours.
    expect(plan.map((r) => r.explain).join('\n')).toContain('ReadFromMergeTree (red_service_hourly)');
    expect(await rows(hourly)).toEqual([
      { service: 'old-0', n: '120', b: ['120', '0'] },
      { service: 'old-1', n: '120', b: ['120', '0'] },
    ]);
    // The ingest path deletes the rows of a failed flush; the hours follow the minutes.
    await storage.deleteRows('red_server_1m', 'flush_id = {f:UInt64}', { f: 1 });
    expect(await rows(hourly)).toEqual([
      { service: 'old-0', n: '80', b: ['80', '0'] },
      { service: 'old-1', n: '80', b: ['80', '0'] },
    ]);
  });

  it('upgrades a data directory of an earlier release: 0008 adds the delay-source table, windows computed before stay unmarked', async () => {
    await storage.client.command({ query: 'DROP TABLE apo.delay_source_1m' });
    await storage.client.command({ query: 'ALTER TABLE apo.topology_windows DROP COLUMN delay_rows' });
    await storage.client.command({
      query: `INSERT INTO apo.topology_windows (window, computed_at, edge_rows)
              VALUES (toDateTime('2026-12-01 00:00:00', 'UTC'), now64(3), 3)`,
    });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version = 8' });
    await storage.close();
    log = new CapturingLog();
    storage = await openStorage(config({ ttlDays: { logs: 3, red: 45 }, ledgerRetentionHours: 12 }), log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 8, migration: 'delay-source' },
    ]);
    expect(await engineFull('delay_source_1m')).toMatch(
      /^ReplacingMergeTree\(computed_at\) PARTITION BY toDate\(window\) ORDER BY \(cluster, service, window, endpoint, bucket\) TTL window \+ toIntervalDay\(45\)/,
    );
    // The old window's edges were computed, its delay source was not: NULL, so its minute is read from spans.
    expect(
      await rows(
        "SELECT edge_rows, delay_rows FROM apo.topology_windows WHERE window = '2026-12-01 00:00:00'",
      ),
    ).toEqual([{ edge_rows: 3, delay_rows: null }]);
  });

  it('refuses a RED retention under 35 days before touching the data directory', async () => {
    await expect(openStorage(config({ ttlDays: { red: 34 } }), log)).rejects.toThrow(
      /RED rollups are kept at least 35 days/,
    );
  });
});
