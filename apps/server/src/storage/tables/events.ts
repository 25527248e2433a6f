/**
 * Change and infrastructure events (restarts, new versions, Kubernetes events, alert transitions):
 * log records with an event name, kept apart from logs because they are few, kept longer, and read
 * as "what changed around this time for this service".
 */
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';
import { logBodyText, logTimestamp } from './logs.ts';
import type { LogRow } from './logs.ts';

const MAP = 'Map(LowCardinality(String), String)';
const LC = 'LowCardinality(String)';

const columns: WritableColumn<LogRow>[] = [
  {
    name: 'cluster',
    type: LC,
    write: (w, r) => {
      w.string(r.cluster);
    },
  },
  {
    name: 'ts',
    type: 'DateTime64(9)',
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.dateTime64Nanos(logTimestamp(r.record));
    },
  },
  {
    name: 'service',
    type: LC,
    write: (w, r) => {
      w.string(r.resource.service);
    },
  },
  {
    name: 'instance',
    type: LC,
    write: (w, r) => {
      w.string(r.resource.instance);
    },
  },
  {
    name: 'name',
    type: LC,
    write: (w, r) => {
      w.string(r.eventName);
    },
  },
  {
    name: 'severity_number',
    type: 'UInt8',
    write: (w, r) => {
      w.uint8(r.record.severityNumber);
    },
  },
  {
    name: 'severity_text',
    type: LC,
    write: (w, r) => {
      w.string(r.record.severityText);
    },
  },
  {
    name: 'body',
    type: 'String',
    codec: 'ZSTD(1)',
    write: (w, r) => {
      w.string(logBodyText(r.record));
    },
  },
  {
    name: 'trace_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.record.traceId);
    },
  },
  {
    name: 'span_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.record.spanId);
    },
  },
  {
    name: 'resource_attributes',
    type: MAP,
    write: (w, r) => {
      w.raw(r.resource.attributesMap);
    },
  },
  {
    name: 'attributes',
    type: MAP,
    write: (w, r) => {
      w.attributes(r.record.attributes);
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

export const eventsTable = defineTable<LogRow>({
  name: 'events',
  columns,
  engine: 'MergeTree',
  partitionBy: 'toDate(ts)',
  orderBy: '(cluster, service, ts)',
  ttl: { expression: 'toDateTime(ts)', unit: 'DAY', retention: 'events' },
  settings: { ttl_only_drop_parts: 1 },
  // Events are read per service and time range; keeping a service's events on one shard keeps
  // those reads on one node.
  placement: { kind: 'sharded', shardingKey: 'cityHash64(cluster, service)' },
});
