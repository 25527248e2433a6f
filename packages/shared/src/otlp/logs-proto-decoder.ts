/**
 * Decoder for ExportLogsServiceRequest / LogsData (opentelemetry/proto/logs/v1/logs.proto, v1.5+):
 *   LogsData { 1 repeated ResourceLogs resource_logs }
 *   ResourceLogs { 1 Resource resource, 2 repeated ScopeLogs scope_logs, 3 string schema_url }
 *   ScopeLogs { 1 InstrumentationScope scope, 2 repeated LogRecord log_records, 3 string schema_url }
 *   LogRecord { 1 fixed64 time_unix_nano, 11 fixed64 observed_time_unix_nano, 2 SeverityNumber severity_number,
 *               3 string severity_text, 5 AnyValue body, 6 repeated KeyValue attributes,
 *               7 uint32 dropped_attributes_count, 8 fixed32 flags, 9 bytes trace_id, 10 bytes span_id,
 *               12 string event_name }   (4 is reserved)
 */
import type { AnyValue, LogRecord, LogsData } from '../model/telemetry.ts';
import {
  beginItem,
  droppedTotal,
  endItem,
  newAttributes,
  readAnyValue,
  readAttribute,
} from './common-proto-decoder.ts';
import { item, within } from './decode-failure.ts';
import { readEnvelope } from './envelope-proto-decoder.ts';
import type { DecodeContext } from './decode-failure.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Varint, Fixed64, Delimited, Fixed32 } = WireType;
const LOG_WIRE = wireTable({
  1: Fixed64,
  2: Varint,
  3: Delimited,
  5: Delimited,
  6: Delimited,
  7: Varint,
  8: Fixed32,
  9: Delimited,
  10: Delimited,
  11: Fixed64,
  12: Delimited,
});
const LOG_FIELDS = [
  '',
  'timeUnixNano',
  'severityNumber',
  'severityText',
  '',
  'body',
  'attributes',
  'droppedAttributesCount',
  'flags',
  'traceId',
  'spanId',
  'observedTimeUnixNano',
  'eventName',
];

const LOGS_FIELDS = { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' };

export function readLogsData(r: WireReader, ctx: DecodeContext): LogsData {
  return {
    resourceLogs: readEnvelope(r, ctx, LOGS_FIELDS, readLogRecord).map(({ resource, scopes, schemaUrl }) => ({
      resource,
      scopeLogs: scopes.map((g) => ({ scope: g.scope, logRecords: g.items, schemaUrl: g.schemaUrl })),
      schemaUrl,
    })),
  };
}

function readLogRecord(r: WireReader, end: number, ctx: DecodeContext): LogRecord {
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue = null;
  const attributes = newAttributes();
  let kept = 0;
  let dropped = 0;
  let seen = 0;
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  let field = 0;
  beginItem(ctx, end - r.pos);
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 9:
          timeUnixNano = r.fixed64();
          break;
        case 89:
          observedTimeUnixNano = r.fixed64();
          break;
        case 16:
          severityNumber = r.int32();
          break;
        case 26:
          severityText = r.string(end);
          break;
        case 42:
          body = readAnyValue(r, r.delimited(end), ctx, 0);
          break;
        case 50: {
          const got = readAttribute(r, end, ctx, attributes, kept);
          if (got < 0) dropped++;
          else kept += got;
          seen++;
          break;
        }
        case 56:
          droppedAttributesCount = r.uint32();
          break;
        case 69:
          flags = r.fixed32();
          break;
        case 74:
          traceId = r.traceId(end);
          break;
        case 82:
          spanId = r.spanId(end);
          break;
        case 98:
          eventName = r.string(end);
          break;
        default:
          r.skipUnknown(tag, LOG_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 6 ? item('attributes', seen) : (LOG_FIELDS[field] ?? ''));
  }
  endItem(ctx);
  return {
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body,
    attributes,
    droppedAttributesCount: droppedTotal(ctx, droppedAttributesCount, dropped),
    flags,
    traceId,
    spanId,
    eventName,
  };
}
