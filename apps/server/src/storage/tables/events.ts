/**
 * Change and infrastructure events (restarts, new versions, Kubernetes events, alert transitions):
 * log records with an event name, kept apart from logs because they are few, kept longer, and read
 * as "what changed around this time for this service".
 */
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';
import { LC, telemetryColumns } from './telemetry-columns.ts';
import { logRecordColumns } from './logs.ts';
import type { LogRow } from './logs.ts';

const columns: WritableColumn<LogRow>[] = [
  telemetryColumns.cluster,
  logRecordColumns.ts,
  telemetryColumns.service,
  telemetryColumns.instance,
  {
    name: 'name',
    type: LC,
    write: (w, r) => {
      w.string(r.eventName);
    },
  },
  logRecordColumns.severityNumber,
  logRecordColumns.severityText,
  logRecordColumns.body,
  logRecordColumns.traceId,
  logRecordColumns.spanId,
  telemetryColumns.resourceAttributes,
  logRecordColumns.attributes,
  telemetryColumns.flushId,
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
