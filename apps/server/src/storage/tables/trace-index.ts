/**
 * One small row per trace (per insert, collapsed by merges): where a trace starts and ends and how
 * many spans it has. "Trace by id" reads this first and then only the spans partitions in that time
 * range — it never scans all spans for one id. Fed by `trace_index_mv` from `spans`; in cluster
 * mode the view runs on each shard (spans are sharded by trace id, so each shard's index is complete
 * for its traces).
 */
import { defineTable } from './table-def.ts';

export const traceIndexTable = defineTable({
  name: 'trace_index',
  columns: [
    { name: 'trace_id', type: 'String' },
    { name: 'cluster', type: 'LowCardinality(String)' },
    { name: 'start', type: 'SimpleAggregateFunction(min, DateTime64(9))' },
    { name: 'end', type: 'SimpleAggregateFunction(max, DateTime64(9))' },
    { name: 'span_count', type: 'SimpleAggregateFunction(sum, UInt64)' },
  ],
  engine: 'AggregatingMergeTree',
  partitionBy: 'toDate(start)',
  orderBy: '(trace_id, cluster)',
  ttl: { expression: 'toDateTime(start)', unit: 'DAY', retention: 'spans' },
  settings: { ttl_only_drop_parts: 1 },
  placement: { kind: 'sharded', shardingKey: 'cityHash64(trace_id)' },
});

export const TRACE_INDEX_VIEW = 'trace_index_mv';

/** The view's SELECT over the given spans table (`spans`, or `spans_local` in cluster mode). */
export function traceIndexSelect(spansTable: string): string {
  return (
    'SELECT trace_id, cluster, min(ts) AS start, ' +
    'max(fromUnixTimestamp64Nano(toUnixTimestamp64Nano(ts) + toInt64(duration_ns))) AS `end`, ' +
    `count() AS span_count FROM ${spansTable} GROUP BY trace_id, cluster`
  );
}
