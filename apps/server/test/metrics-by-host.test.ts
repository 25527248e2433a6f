/**
 * `metrics.host_name` and the `metrics_by_host` projection on the real engine (chDB): the column is the
 * `host.name` resource attribute, the hosts read is answered from the projection, a DELETE of a flush's
 * rows (what start-up recovery does) still works and reaches the read, and migration 0009 adds both to a
 * data directory made before it, with the same answers after as before.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostSeries } from '../src/features/hosts/host-queries.ts';
import { openStorage, type Storage } from '../src/storage/index.ts';
import { CapturingLog, selectRows } from '../src/storage/storage-test-support.ts';

const MINUTE = 60_000;
const START = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
const range = { from: START, to: START + 20 * MINUTE };
const NAMES = ['node_cpu_seconds_total', 'node_load1'];

let dataDir: string;
let storage: Storage;

/** 3 hosts × 2 CPU modes + load, one point a minute for 10 minutes; flush 1 for node-a's load, else 2. */
async function seed(s: Storage): Promise<void> {
  await s.client.command({
    query: `INSERT INTO apo.metrics (cluster, service, instance, name, metric_type, temporality, is_monotonic, ts,
              start_ts, labels, resource_attributes, value, flush_id)
      SELECT 'default', 'unknown_service', h, name, 'sum', 2, 1, fromUnixTimestamp64Milli(toInt64({start:Int64} + m * 60000)),
             fromUnixTimestamp64Milli(toInt64({start:Int64})), lbl, map('host.name', h, 'os.type', 'linux'),
             m * (k + 1), if(h = 'node-a' AND k = 2, 1, 2)
      FROM (SELECT intDiv(number, 9) AS m, ['node-a', 'node-b', 'node-c'][intDiv(number % 9, 3) + 1] AS h, number % 3 AS k,
                   if(k < 2, 'node_cpu_seconds_total', 'node_load1') AS name,
                   if(k < 2, map('cpu', '0', 'mode', ['idle', 'user'][k + 1]), map()) AS lbl
            FROM numbers(90))`,
    query_params: { start: START },
  });
}

/** The hosts read of node-a, as (name, mode, first, last) sorted. */
async function nodeA(): Promise<[string, string, number, number][]> {
  const series = await hostSeries(storage, { ...range, hosts: ['node-a'], names: NAMES });
  return series
    .map((s): [string, string, number, number] => [s.name, s.label_mode, s.first_value, s.last_value])
    .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`));
}

const EXPECTED: [string, string, number, number][] = [
  ['node_cpu_seconds_total', 'idle', 0, 9],
  ['node_cpu_seconds_total', 'user', 0, 18],
  ['node_load1', '', 0, 27],
];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-metrics-by-host-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await seed(storage);
}, 120_000);
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('metrics by host (real engine)', () => {
  it('computes host_name on insert and answers the hosts read from the projection', async () => {
    expect(
      await selectRows(storage, 'SELECT DISTINCT host_name FROM apo.metrics ORDER BY host_name'),
    ).toEqual([{ host_name: 'node-a' }, { host_name: 'node-b' }, { host_name: 'node-c' }]);
    expect(await nodeA()).toEqual(EXPECTED);
    const plan = await selectRows<{ explain: string }>(
      storage,
      `EXPLAIN projections = 1 SELECT name, toString(labels) AS series, argMax(value, ts) FROM apo.metrics
       WHERE name IN {names:Array(String)} AND host_name IN ['node-a'] GROUP BY name, series`,
      { names: NAMES },
    );
    expect(plan.map((r) => r.explain).join('\n')).toMatch(/metrics_by_host/);
  });

  it('deletes a flush’s rows with its projection rebuilt: the read no longer sees them', async () => {
    await storage.deleteRows('metrics', 'flush_id = {f:UInt64}', { f: 1 });
    expect((await nodeA()).map(([name]) => name)).toEqual([
      'node_cpu_seconds_total',
      'node_cpu_seconds_total',
    ]);
    await seed(storage); // back as it was, for the next test (flush 1's rows again, flush 2's twice)
  });

  it('0009 adds the column and the projection to a data directory made before it, same answers', async () => {
    const before = await nodeA();
    await storage.client.command({ query: 'ALTER TABLE apo.metrics DROP PROJECTION metrics_by_host' });
    await storage.client.command({ query: 'ALTER TABLE apo.metrics DROP COLUMN host_name' });
    await storage.client.command({
      query: 'ALTER TABLE apo.metrics RESET SETTING lightweight_mutation_projection_mode',
    });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version = 9' });
    await storage.close();
    const log = new CapturingLog();
    storage = await openStorage({ engine: 'embedded', dataDir }, log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 9, migration: 'metrics-by-host' },
    ]);
    const [table] = await selectRows<{ create: string }>(
      storage,
      "SELECT create_table_query AS create FROM system.tables WHERE database = 'apo' AND name = 'metrics'",
    );
    expect(table?.create).toContain(
      "`host_name` LowCardinality(String) MATERIALIZED resource_attributes['host.name']",
    );
    expect(table?.create).toContain('PROJECTION metrics_by_host');
    expect(table?.create).toContain("lightweight_mutation_projection_mode = 'rebuild'");
    expect(await nodeA()).toEqual(before);
  });
});
