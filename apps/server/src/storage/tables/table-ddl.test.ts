import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../capabilities.ts';
import { currentTtl } from '../migrations/apply-retention.ts';
import { initialMigration } from '../migrations/0001-initial.ts';
import { migrations } from '../migrations/all-migrations.ts';
import { storageTables } from './all-tables.ts';
import { createTableDdl, modifyTtlDdl, sqlIdentifier, storedTableName } from './table-ddl.ts';
import type { SchemaContext } from './table-ddl.ts';
import { inputType } from './table-def.ts';

const retention = { spans: 7, logs: 7, metrics: 30, events: 90, red: 40, ledgerHours: 48 };
const single: SchemaContext = { database: 'apo', capabilities: capabilitiesOf('26.7.2.1'), retention };
const cluster: SchemaContext = { ...single, cluster: 'apo_cluster' };
/** Every migration's statements, in order: what a fresh database runs. */
const script = (ctx: SchemaContext): string =>
  migrations.flatMap((m) => m.statements(ctx)).join(';\n\n') + ';\n';

describe('DDL from the table definitions', () => {
  it('cluster-mode DDL (generated text snapshot — no ClickHouse cluster can run here)', async () => {
    // open-storage.test.ts additionally runs every one of these statements through ClickHouse's parser.
    await expect(script(cluster)).toMatchFileSnapshot('./__snapshots__/cluster-ddl.sql');
  });

  it('single-node DDL (snapshot; the same statements run against chDB in open-storage.test.ts)', async () => {
    await expect(script(single)).toMatchFileSnapshot('./__snapshots__/single-node-ddl.sql');
  });

  it('puts sharded tables in <t>_local replicated per shard behind a Distributed <t>', () => {
    const [local, distributed] = createTableDdl(storageTables.spans, cluster);
    expect(local).toContain('CREATE TABLE IF NOT EXISTS apo.spans_local ON CLUSTER apo_cluster');
    expect(local).toContain(
      "ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/spans_local', '{replica}')",
    );
    expect(distributed).toContain('CREATE TABLE IF NOT EXISTS apo.spans ON CLUSTER apo_cluster');
    expect(distributed).toContain(
      'ENGINE = Distributed(apo_cluster, apo, spans_local, cityHash64(trace_id))',
    );
    expect(distributed).not.toContain('CODEC');
    expect(createTableDdl(storageTables.trace_index, cluster)[0]).toContain(
      'ReplicatedAggregatingMergeTree(',
    );
    // The migration log is one replicated table on every node, not sharded.
    const migrations = createTableDdl(storageTables.schema_migrations, cluster);
    expect(migrations).toHaveLength(1);
    expect(migrations[0]).toContain(
      "ReplicatedMergeTree('/clickhouse/tables/all/{database}/schema_migrations', '{replica}')",
    );
    expect(storedTableName(storageTables.schema_migrations, cluster)).toBe('schema_migrations');
  });

  it('keeps 0001 to the tables of the first release; 0002 adds the RED rollups', () => {
    const created = (statements: string[]) =>
      statements.flatMap((q) => /^CREATE TABLE IF NOT EXISTS apo\.(\w+)/.exec(q)?.[1] ?? []);
    expect(created(initialMigration.statements(single))).toEqual([
      'schema_migrations',
      'spans',
      'trace_index',
      'logs',
      'events',
      'metrics',
      'ingest_ledger',
    ]);
    expect(migrations.map((m) => [m.version, m.name])).toEqual([
      [1, 'initial'],
      [2, 'red-rollups'],
      [3, 'spans-merge-width'],
      [4, 'kubernetes-pods'],
      [5, 'ledger-batch-binding'],
      [6, 'red-overview-projections'],
      [7, 'topology'],
      [8, 'delay-source'],
      [9, 'metrics-by-host'],
      [10, 'spans-by-time'],
    ]);
    expect(created(migrations[6]!.statements(single))).toEqual(['topology_edges', 'topology_windows']);
    expect(migrations[7]!.statements(cluster)).toEqual([
      expect.stringContaining('CREATE TABLE IF NOT EXISTS apo.delay_source_1m_local ON CLUSTER apo_cluster'),
      expect.stringContaining('CREATE TABLE IF NOT EXISTS apo.delay_source_1m ON CLUSTER apo_cluster'),
      // topology_windows lives on every node: one table, no Distributed one in front of it.
      'ALTER TABLE apo.topology_windows ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `delay_rows` Nullable(UInt32)',
    ]);
    const byHost =
      "ADD COLUMN IF NOT EXISTS `host_name` LowCardinality(String) MATERIALIZED resource_attributes['host.name']";
    const projection =
      'metrics_by_host (SELECT cluster, name, host_name, ts, labels, value ORDER BY cluster, name, host_name, ts)';
    expect(migrations[8]!.statements(cluster)).toEqual([
      `ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster ${byHost}`,
      `ALTER TABLE apo.metrics ON CLUSTER apo_cluster ${byHost}`,
      "ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster MODIFY SETTING ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild'",
      `ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS ${projection}`,
      'ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION metrics_by_host',
    ]);
    // Before ClickHouse 24.7 a table with projections refuses DELETEs: the column only, no projection.
    expect(migrations[8]!.statements({ ...single, capabilities: capabilitiesOf('24.3.1.1') })).toEqual([
      `ALTER TABLE apo.metrics ${byHost}`,
    ]);
    const endpoint =
      'ADD COLUMN IF NOT EXISTS `entry_endpoint` LowCardinality(String) MATERIALIZED if(kind NOT IN (2, 5)';
    const byTime =
      'spans_by_time (SELECT cluster, service, trace_id, kind, ts, duration_ns, entry_endpoint ORDER BY ts)';
    expect(migrations[9]!.statements(cluster)).toEqual([
      expect.stringContaining(`ALTER TABLE apo.spans_local ON CLUSTER apo_cluster ${endpoint}`),
      expect.stringContaining(`ALTER TABLE apo.spans ON CLUSTER apo_cluster ${endpoint}`),
      "ALTER TABLE apo.spans_local ON CLUSTER apo_cluster MODIFY SETTING ttl_only_drop_parts = 1, index_granularity = 1024, merge_selector_base = 10, lightweight_mutation_projection_mode = 'rebuild'",
      `ALTER TABLE apo.spans_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS ${byTime}`,
      'ALTER TABLE apo.spans_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION spans_by_time',
    ]);
    // Before ClickHouse 24.7 a table with projections refuses DELETEs: the column only, no projection.
    expect(migrations[9]!.statements({ ...single, capabilities: capabilitiesOf('24.3.1.1') })).toEqual([
      expect.stringContaining(`ALTER TABLE apo.spans ${endpoint}`),
    ]);
    expect(created(migrations[1]!.statements(single))).toEqual(['red_server_1m', 'red_client_1m']);
    expect(migrations[4]!.statements(cluster)).toEqual([
      'ALTER TABLE apo.ingest_ledger_local ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `signal` LowCardinality(String), ADD COLUMN IF NOT EXISTS `digest` String',
      'ALTER TABLE apo.ingest_ledger ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `signal` LowCardinality(String), ADD COLUMN IF NOT EXISTS `digest` String',
    ]);
    expect(created(migrations[1]!.statements(cluster))).toEqual([
      'red_server_1m_local',
      'red_server_1m',
      'red_client_1m_local',
      'red_client_1m',
    ]);
  });

  it('keeps the Kubernetes pod snapshots in a ReplacingMergeTree per cluster, replicated on every node', () => {
    expect(createTableDdl(storageTables.kubernetes_pods, single)).toEqual([
      [
        'CREATE TABLE IF NOT EXISTS apo.kubernetes_pods',
        '(',
        '    `cluster` LowCardinality(String),',
        '    `published_at` DateTime64(3),',
        '    `pod_count` UInt32,',
        '    `pods` String CODEC(ZSTD(3))',
        ')',
        'ENGINE = ReplacingMergeTree(published_at)',
        'ORDER BY cluster',
      ].join('\n'),
    ]);
    const inCluster = createTableDdl(storageTables.kubernetes_pods, cluster);
    expect(inCluster).toHaveLength(1);
    expect(inCluster[0]).toContain('CREATE TABLE IF NOT EXISTS apo.kubernetes_pods ON CLUSTER apo_cluster');
    expect(inCluster[0]).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/kubernetes_pods', '{replica}', published_at)",
    );
    expect(migrations[3]!.statements(single)).toEqual(createTableDdl(storageTables.kubernetes_pods, single));
  });

  it('gives the RED rollups day partitions, a cluster-led key and their own TTL', () => {
    const [server] = createTableDdl(storageTables.red_server_1m, single);
    expect(server).toContain('PARTITION BY toDate(minute)\nORDER BY (cluster, service, endpoint, minute)');
    expect(server).toContain(
      "TTL minute + INTERVAL 40 DAY\nSETTINGS ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild'",
    );
    expect(server).toContain(
      '    PROJECTION red_hourly (SELECT toStartOfHour(minute), cluster, service, endpoint, sum(count),',
    );
    expect(server).toContain(
      '    PROJECTION red_minutely (SELECT minute, cluster, service, endpoint, sum(count),',
    );
    expect(server).toContain(
      '    PROJECTION red_service_hourly (SELECT toStartOfHour(minute), cluster, service, sum(count),',
    );
    expect(server).toContain(
      '    PROJECTION red_service_minutely (SELECT minute, cluster, service, sum(count),',
    );
    // Added to tables created before it, after the setting a DELETE on a table with projections needs.
    expect(migrations[5]!.statements(cluster)).toEqual([
      "ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MODIFY SETTING ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild'",
      expect.stringMatching(
        /^ALTER TABLE apo\.red_server_1m_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS red_service_hourly \(SELECT /,
      ),
      expect.stringMatching(
        /ADD PROJECTION IF NOT EXISTS red_service_minutely \(SELECT minute, cluster, service, /,
      ),
      expect.stringMatching(/ADD PROJECTION IF NOT EXISTS red_hourly \(SELECT toStartOfHour\(minute\), /),
      expect.stringMatching(
        /ADD PROJECTION IF NOT EXISTS red_minutely \(SELECT minute, cluster, service, endpoint, /,
      ),
      'ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_service_hourly',
      'ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_service_minutely',
      'ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_hourly',
      'ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_minutely',
    ]);
    // Engines without the setting get no projection (a DELETE would be refused) and read minutes.
    const [older] = createTableDdl(storageTables.red_server_1m, {
      ...single,
      capabilities: capabilitiesOf('24.3.1.1'),
    });
    expect(older).not.toContain('PROJECTION');
    expect(older).toMatch(/SETTINGS ttl_only_drop_parts = 1$/);
    expect(server).toContain("`minute` DateTime('UTC') CODEC(Delta, ZSTD(1))");
    expect(server).toContain('`bucket_counts` Array(UInt64)');
    const [, distributed] = createTableDdl(storageTables.red_client_1m, cluster);
    expect(distributed).toContain(
      'ENGINE = Distributed(apo_cluster, apo, red_client_1m_local, cityHash64(cluster, service, instance))',
    );
    expect(
      modifyTtlDdl(storageTables.red_client_1m, { ...single, retention: { ...retention, red: 60 } }),
    ).toBe('ALTER TABLE apo.red_client_1m MODIFY TTL minute + INTERVAL 60 DAY');
  });

  it('quotes cluster names that are not plain identifiers', () => {
    expect(sqlIdentifier('apo_cluster')).toBe('apo_cluster');
    expect(sqlIdentifier('prod-eu.1')).toBe('`prod-eu.1`');
    const [local, distributed] = createTableDdl(storageTables.logs, { ...single, cluster: 'prod-eu.1' });
    expect(local).toContain('ON CLUSTER `prod-eu.1`');
    expect(distributed).toContain('Distributed(`prod-eu.1`, apo,');
  });

  it('falls back to a tokenbf_v1 body index before ClickHouse 26.2', () => {
    const [ddl] = createTableDdl(storageTables.logs, { ...single, capabilities: capabilitiesOf('25.8.1.1') });
    expect(ddl).toContain('INDEX idx_body lower(body) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 1');
    expect(ddl).not.toContain('TYPE text(');
  });

  it('widens the merges of spans where the engine has merge_selector_base (ClickHouse 24.11 on)', () => {
    const [spans] = createTableDdl(storageTables.spans, single);
    expect(spans).toContain(
      'SETTINGS ttl_only_drop_parts = 1, index_granularity = 1024, merge_selector_base = 10',
    );
    const older = { ...single, capabilities: capabilitiesOf('24.8.1.1') };
    const [oldSpans] = createTableDdl(storageTables.spans, older);
    expect(oldSpans).toMatch(
      /\nSETTINGS ttl_only_drop_parts = 1, index_granularity = 1024, lightweight_mutation_projection_mode = 'rebuild'$/,
    );
    expect(oldSpans).not.toContain('merge_selector_base');
    const widen = migrations[2]!;
    expect(widen.statements(single)).toEqual([
      'ALTER TABLE apo.spans MODIFY SETTING merge_selector_base = 10',
    ]);
    expect(widen.statements(cluster)).toEqual([
      'ALTER TABLE apo.spans_local ON CLUSTER apo_cluster MODIFY SETTING merge_selector_base = 10',
    ]);
    expect(widen.statements(older)).toEqual([]);
  });

  it('changes TTLs on the table that holds the rows', () => {
    expect(modifyTtlDdl(storageTables.logs, { ...single, retention: { ...retention, logs: 3 } })).toBe(
      'ALTER TABLE apo.logs MODIFY TTL toDateTime(ts) + INTERVAL 3 DAY',
    );
    expect(modifyTtlDdl(storageTables.ingest_ledger, cluster)).toBe(
      'ALTER TABLE apo.ingest_ledger_local ON CLUSTER apo_cluster MODIFY TTL toDateTime(stored_at) + INTERVAL 48 HOUR',
    );
    expect(modifyTtlDdl(storageTables.schema_migrations, single)).toBeUndefined();
  });

  it('reads the retention back from the form ClickHouse prints', () => {
    expect(
      currentTtl(
        'MergeTree PARTITION BY toDate(ts) ORDER BY (a) TTL toDateTime(ts) + toIntervalDay(7) SETTINGS x = 1',
      ),
    ).toEqual({ amount: 7, unit: 'DAY' });
    expect(
      currentTtl(
        'MergeTree ORDER BY batch_id TTL toDateTime(stored_at) + toIntervalHour(48) SETTINGS index_granularity = 8192',
      ),
    ).toEqual({
      amount: 48,
      unit: 'HOUR',
    });
    expect(currentTtl('MergeTree ORDER BY version SETTINGS index_granularity = 8192')).toBeUndefined();
  });
});

describe('table definitions', () => {
  const dataTables = [
    storageTables.spans,
    storageTables.logs,
    storageTables.events,
    storageTables.metrics,
    storageTables.red_server_1m,
    storageTables.red_client_1m,
  ];

  it('lead every data table’s ORDER BY with cluster and carry a flush id', () => {
    for (const t of dataTables) {
      expect(t.orderBy.startsWith('(cluster,'), t.name).toBe(true);
      expect(t.columns[0]?.name, t.name).toBe('cluster');
      expect(
        t.columns.map((c) => c.name),
        t.name,
      ).toContain('flush_id');
    }
    expect(storageTables.ingest_ledger.columns.map((c) => c.name)).toEqual([
      'batch_id',
      'flush_id',
      'cluster',
      'stored_at',
      'signal',
      'digest',
    ]);
  });

  it('parse inserts as the stored types without LowCardinality (the engine converts on insert)', () => {
    expect(inputType('LowCardinality(String)')).toBe('String');
    expect(inputType('Map(LowCardinality(String), String)')).toBe('Map(String, String)');
    expect(inputType('Array(Map(LowCardinality(String), String))')).toBe('Array(Map(String, String))');
    expect(inputType('LowCardinality(Nullable(String))')).toBe('Nullable(String)');
    expect(inputType('DateTime64(9)')).toBe('DateTime64(9)');
  });

  it('derive the insert column list and the RowBinary structure from the same columns', () => {
    for (const t of [...dataTables, storageTables.ingest_ledger]) {
      expect(t.columnList).toBe(`(${t.columns.map((c) => c.name).join(', ')})`);
      expect(t.structure).toBe(t.columns.map((c) => `${c.name} ${inputType(c.type)}`).join(', '));
      expect(t.structure).not.toContain('CODEC');
      expect(t.structure).not.toContain('LowCardinality');
      expect(new Set(t.columns.map((c) => c.name)).size, `${t.name}: duplicate column`).toBe(
        t.columns.length,
      );
    }
    expect(storageTables.ingest_ledger.structure).toBe(
      'batch_id String, flush_id UInt64, cluster String, stored_at DateTime64(3), signal String, digest String',
    );
  });
});
