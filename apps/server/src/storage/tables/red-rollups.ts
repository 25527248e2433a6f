/**
 * RED per minute, computed from 100 % of spans (docs/red-metrics.md): `red_server_1m` for entry spans
 * per endpoint, `red_client_1m` for client calls per peer / database / table. Rows come from the
 * `apo.red.*.duration` metrics agents send and from the server's own aggregator over spans that arrive
 * without the `apo.red.computed` mark (ingest/span-red.ts), both through `redRollupRows`.
 *
 * Those RED metric points are stored ONLY here, not also in `metrics`: the rollups hold everything the
 * points carry that RED needs (count, errors, duration sum, the fixed buckets), a second copy would
 * double the volume of the busiest metric for nothing, and a query on `metrics` for them would mix in
 * rows this table has already merged per minute.
 *
 * Several rows may exist per key and minute (agents flush every 10 s, the server writes rows per
 * request), so every query aggregates: sum(count), sum(error_count), sum(duration_sum_ms),
 * sumForEach(bucket_counts). The TTL is the `red` retention (≥ 35 days), independent of the spans' TTL,
 * so day-over-day and week-over-week comparisons always have data.
 */
import type { RedClientRollupRow, RedServerRollupRow } from '@apo/shared/red';
import { supportsProjectionRebuild } from '../capabilities.ts';
import type { StorageCapabilities } from '../capabilities.ts';
import { defineTable } from './table-def.ts';
import type { ProjectionSpec, WritableColumn } from './table-def.ts';

/** The encoder's cursor: `rollup` is replaced for each row. */
export interface RedRow<Rollup> {
  flushId: bigint;
  rollup: Rollup;
}
export type RedServerRow = RedRow<RedServerRollupRow>;
export type RedClientRow = RedRow<RedClientRollupRow>;

const LC = 'LowCardinality(String)';

type Figures = RedServerRollupRow | RedClientRollupRow;

/** The key columns every rollup row has, in the order both tables start with. */
function headColumns<Row extends RedRow<Figures>>(): WritableColumn<Row>[] {
  return [
    {
      name: 'cluster',
      type: LC,
      write: (w, r) => {
        w.string(r.rollup.cluster);
      },
    },
    {
      name: 'minute',
      // UTC, so day partitions and TTL boundaries do not depend on the server's time zone.
      type: "DateTime('UTC')",
      codec: 'Delta, ZSTD(1)',
      write: (w, r) => {
        w.uint32(r.rollup.minuteMs / 1000);
      },
    },
    {
      name: 'service',
      type: LC,
      write: (w, r) => {
        w.string(r.rollup.service);
      },
    },
  ];
}

function figureColumns<Row extends RedRow<Figures>>(): WritableColumn<Row>[] {
  return [
    {
      name: 'instance',
      type: LC,
      write: (w, r) => {
        w.string(r.rollup.instance);
      },
    },
    {
      name: 'kind',
      type: LC,
      write: (w, r) => {
        w.string(r.rollup.kind);
      },
    },
    {
      name: 'error',
      type: 'Bool',
      write: (w, r) => {
        w.bool(r.rollup.error);
      },
    },
  ];
}

function tailColumns<Row extends RedRow<Figures>>(): WritableColumn<Row>[] {
  return [
    {
      name: 'count',
      type: 'UInt64',
      codec: 'T64, ZSTD(1)',
      write: (w, r) => {
        w.uint64FromNumber(r.rollup.count);
      },
    },
    {
      name: 'error_count',
      type: 'UInt64',
      codec: 'T64, ZSTD(1)',
      write: (w, r) => {
        w.uint64FromNumber(r.rollup.errorCount);
      },
    },
    {
      name: 'duration_sum_ms',
      type: 'Float64',
      write: (w, r) => {
        w.float64(r.rollup.durationSumMs);
      },
    },
    {
      name: 'bucket_counts',
      type: 'Array(UInt64)',
      codec: 'ZSTD(1)',
      write: (w, r) => {
        w.uint64ArrayFromNumbers(r.rollup.bucketCounts);
      },
    },
    {
      name: 'flush_id',
      type: 'UInt64',
      write: (w, r) => {
        w.uint64(r.flushId);
      },
    },
  ];
}

/** A string column of a client-call row. */
function callColumn(name: string, value: (r: RedClientRollupRow) => string): WritableColumn<RedClientRow> {
  return {
    name,
    type: LC,
    write: (w, r) => {
      w.string(value(r.rollup));
    },
  };
}

const ttl = { expression: 'minute', unit: 'DAY', retention: 'red' } as const;
// Daily partitions so the TTL drops whole parts (ttl_only_drop_parts) instead of rewriting them.
const partitionBy = 'toDate(minute)';
const settings = { ttl_only_drop_parts: 1 };

/**
 * `red_server_1m` again, per endpoint without instance, kind and error, sorted by time first: per hour
 * (`red_hourly`) and per minute (`red_minutely`). The table is sorted by service, endpoint, minute — right
 * for one service's charts, but a time range across all services (the services overview) then touches
 * every granule of each day it overlaps (~5.8 M rows a day at 200 services × 20 endpoints). The
 * projections serve those reads: whole hours from `red_hourly` (24 h × 3 periods: ~300 k rows instead of
 * ~17 M), partial-hour edges from `red_minutely`, both a contiguous run of a time-sorted part.
 *
 * Projections rather than a materialized view into a second table, because the ingest path DELETEs the
 * rows of a flush that failed or was interrupted before its ledger row (ingest/batch-ledger.ts
 * removeInterruptedFlushes, the writer's removeFlushes) and the sender then retries it: a view's table never
 * sees the DELETE and would count that flush twice, while a projection lives in the same parts and is
 * rebuilt with them (`lightweight_mutation_projection_mode = 'rebuild'`), so hours stay exactly the sum of
 * their minutes. The engine picks a projection by itself when a SELECT's filter, grouping and aggregates
 * can be read from it (and falls back to the table for parts built before it existed); readers of hours
 * filter and group on `toStartOfHour(minute)` only.
 */
const RED_HOURLY_PROJECTION = 'red_hourly';
const RED_MINUTELY_PROJECTION = 'red_minutely';
/**
 * The same per service, without the endpoint (`red_service_hourly`, `red_service_minutely`): the overview's
 * service rows read 200 services × 24 hours per period instead of 200 × 20 endpoints × 24 (and 20× fewer
 * edge minutes). The engine picks, among the projections that can answer a query, the one that reads the
 * fewest marks, so a query grouped by service (not endpoint) reads these.
 */
const RED_SERVICE_HOURLY_PROJECTION = 'red_service_hourly';
const RED_SERVICE_MINUTELY_PROJECTION = 'red_service_minutely';

const PROJECTED_FIGURES = 'sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts)';

function redServerProjections(capabilities: StorageCapabilities): ProjectionSpec[] {
  if (!supportsProjectionRebuild(capabilities)) return [];
  // An aggregate projection is sorted by its GROUP BY keys, in order: time first.
  const projection = (name: string, time: string, keys: string): ProjectionSpec => ({
    name,
    select: `SELECT ${time}, ${keys}, ${PROJECTED_FIGURES} GROUP BY ${time}, ${keys}`,
  });
  // Per service first: when two projections would read as many marks (small tables), the engine keeps the
  // first it considered, and a per-endpoint one never answers a per-service query more cheaply.
  return [
    projection(RED_SERVICE_HOURLY_PROJECTION, 'toStartOfHour(minute)', 'cluster, service'),
    projection(RED_SERVICE_MINUTELY_PROJECTION, 'minute', 'cluster, service'),
    projection(RED_HOURLY_PROJECTION, 'toStartOfHour(minute)', 'cluster, service, endpoint'),
    projection(RED_MINUTELY_PROJECTION, 'minute', 'cluster, service, endpoint'),
  ];
}

export const redServerTable = defineTable<RedServerRow>({
  name: 'red_server_1m',
  columns: [
    ...headColumns<RedServerRow>(),
    {
      name: 'endpoint',
      type: LC,
      write: (w, r) => {
        w.string(r.rollup.endpoint);
      },
    },
    ...figureColumns<RedServerRow>(),
    ...tailColumns<RedServerRow>(),
  ],
  engine: 'MergeTree',
  partitionBy,
  // Service first (every query names one), then endpoint, then time: an endpoint's chart reads one
  // contiguous run, and a whole service's chart skips granules by minute within each endpoint's run.
  orderBy: '(cluster, service, endpoint, minute)',
  ttl,
  projections: redServerProjections,
  settings: (capabilities) =>
    supportsProjectionRebuild(capabilities)
      ? { ...settings, lightweight_mutation_projection_mode: "'rebuild'" }
      : settings,
  placement: { kind: 'sharded', shardingKey: 'cityHash64(cluster, service, instance)' },
});

export const redClientTable = defineTable<RedClientRow>({
  name: 'red_client_1m',
  columns: [
    ...headColumns<RedClientRow>(),
    ...figureColumns<RedClientRow>(),
    callColumn('call_type', (r) => r.callType),
    callColumn('peer', (r) => r.peer),
    callColumn('system', (r) => r.system),
    callColumn('db_namespace', (r) => r.dbNamespace),
    callColumn('operation', (r) => r.operation),
    callColumn('target', (r) => r.target),
    callColumn('role', (r) => r.role),
    ...tailColumns<RedClientRow>(),
  ],
  engine: 'MergeTree',
  partitionBy,
  orderBy: '(cluster, service, call_type, peer, minute)',
  ttl,
  settings,
  placement: { kind: 'sharded', shardingKey: 'cityHash64(cluster, service, instance)' },
});
