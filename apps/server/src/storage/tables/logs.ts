/**
 * Logs: ORDER BY (five-minute bucket, service, ts) so a time-range search reads few granules, a
 * full-text index on lower(body), and trace/span id skip indexes so logs ↔ traces is one click.
 * Log records that are events go to `events` instead (see rows/logs.ts).
 */
import type { LogRecord } from '@apo/shared/model';
import { attributeText } from '@apo/shared/model';
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';
import { LC, MAP, telemetryColumns } from './telemetry-columns.ts';
import type { TelemetryRow } from './telemetry-columns.ts';

/** The encoder's cursor for one log record; shared by `logs` and `events`. */
export interface LogRow extends TelemetryRow {
  record: LogRecord;
  /** The event name ('' for an ordinary log). */
  eventName: string;
}

/** OTLP: when the event time is unknown (0), the observed time stands in for it. */
function logTimestamp(record: LogRecord): bigint {
  return record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
}

function logBodyText(record: LogRecord): string {
  const body = record.body;
  return typeof body === 'string' ? body : attributeText(body);
}

/** The log record's own columns, shared by `logs` and `events`. */
export const logRecordColumns = {
  ts: {
    name: 'ts',
    type: 'DateTime64(9)',
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.dateTime64Nanos(logTimestamp(r.record));
    },
  },
  severityNumber: {
    name: 'severity_number',
    type: 'UInt8',
    write: (w, r) => {
      w.uint8(r.record.severityNumber);
    },
  },
  severityText: {
    name: 'severity_text',
    type: LC,
    write: (w, r) => {
      w.string(r.record.severityText);
    },
  },
  body: {
    name: 'body',
    type: 'String',
    codec: 'ZSTD(1)',
    write: (w, r) => {
      w.string(logBodyText(r.record));
    },
  },
  traceId: {
    name: 'trace_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.record.traceId);
    },
  },
  spanId: {
    name: 'span_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.record.spanId);
    },
  },
  attributes: {
    name: 'attributes',
    type: MAP,
    write: (w, r) => {
      w.attributes(r.record.attributes);
    },
  },
} satisfies Record<string, WritableColumn<LogRow>>;

const columns: WritableColumn<LogRow>[] = [
  telemetryColumns.cluster,
  logRecordColumns.ts,
  {
    name: 'observed_ts',
    type: 'DateTime64(9)',
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.dateTime64Nanos(r.record.observedTimeUnixNano);
    },
  },
  telemetryColumns.service,
  telemetryColumns.serviceVersion,
  telemetryColumns.instance,
  logRecordColumns.severityNumber,
  logRecordColumns.severityText,
  logRecordColumns.body,
  logRecordColumns.traceId,
  logRecordColumns.spanId,
  {
    name: 'flags',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.record.flags);
    },
  },
  telemetryColumns.scopeName,
  telemetryColumns.resourceAttributes,
  logRecordColumns.attributes,
  {
    name: 'dropped_attributes',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.record.droppedAttributesCount);
    },
  },
  telemetryColumns.flushId,
];

export const logsTable = defineTable<LogRow>({
  name: 'logs',
  columns,
  engine: 'MergeTree',
  partitionBy: 'toDate(ts)',
  orderBy: '(cluster, toStartOfFiveMinutes(ts), service, ts)',
  ttl: { expression: 'toDateTime(ts)', unit: 'DAY', retention: 'logs' },
  indexes: (capabilities) => [
    capabilities.textIndex
      ? { name: 'idx_body', expression: 'lower(body)', type: 'text(tokenizer = splitByNonAlpha)' }
      : { name: 'idx_body', expression: 'lower(body)', type: 'tokenbf_v1(32768, 3, 0)', granularity: 1 },
    { name: 'idx_trace_id', expression: 'trace_id', type: 'bloom_filter(0.001)', granularity: 1 },
    { name: 'idx_span_id', expression: 'span_id', type: 'bloom_filter(0.001)', granularity: 1 },
  ],
  settings: { ttl_only_drop_parts: 1 },
  // A trace's logs land on its spans' shard; logs without a trace (most of them) would all hash to
  // one shard, so they are spread at random instead.
  placement: { kind: 'sharded', shardingKey: "if(trace_id = '', rand64(), cityHash64(trace_id))" },
});
