/** OTLP/JSON decoder for ExportLogsServiceRequest (field names as in logs.proto, lowerCamelCase or snake_case). */
import type { AnyValue, LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../model/telemetry.ts';
import {
  messageField,
  readAnyValueJson,
  readItemJson,
  readResourceJson,
  readScopeJson,
  recordAttributesJson,
} from './common-json-decoder.ts';
import type { DecodeContext } from './decode-failure.ts';
import {
  asObject,
  enumField,
  idField,
  listField,
  stringField,
  uint32Field,
  uint64Field,
} from './json-fields.ts';
import type { JsonObject } from './json-fields.ts';

const SEVERITY_NUMBERS: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].forEach((level, i) => {
  SEVERITY_NUMBERS[`SEVERITY_NUMBER_${level}`] = 4 * i + 1;
  for (let n = 2; n <= 4; n++) SEVERITY_NUMBERS[`SEVERITY_NUMBER_${level}${n}`] = 4 * i + n;
});

export function readLogsJson(root: unknown, ctx: DecodeContext): LogsData {
  return {
    resourceLogs: listField(asObject(root), 'resourceLogs', 'resource_logs', (o) => readResourceLogs(o, ctx)),
  };
}

function readResourceLogs(o: JsonObject, ctx: DecodeContext): ResourceLogs {
  return {
    resource: messageField(o, 'resource', 'resource', (m) => readResourceJson(m, ctx)),
    scopeLogs: listField(o, 'scopeLogs', 'scope_logs', (s) => readScopeLogs(s, ctx)),
    schemaUrl: stringField(o, 'schemaUrl', 'schema_url'),
  };
}

function readScopeLogs(o: JsonObject, ctx: DecodeContext): ScopeLogs {
  return {
    scope: messageField(o, 'scope', 'scope', (m) => readScopeJson(m, ctx)),
    logRecords: listField(o, 'logRecords', 'log_records', (r) => readItemJson(r, ctx, readLogRecord)),
    schemaUrl: stringField(o, 'schemaUrl', 'schema_url'),
  };
}

function readLogRecord(o: JsonObject, ctx: DecodeContext): LogRecord {
  const [attributes, droppedAttributesCount] = recordAttributesJson(o, 'attributes', 'attributes', ctx);
  return {
    timeUnixNano: uint64Field(o, 'timeUnixNano', 'time_unix_nano'),
    observedTimeUnixNano: uint64Field(o, 'observedTimeUnixNano', 'observed_time_unix_nano'),
    severityNumber: enumField(o, 'severityNumber', 'severity_number', SEVERITY_NUMBERS),
    severityText: stringField(o, 'severityText', 'severity_text'),
    body: messageField<AnyValue>(o, 'body', 'body', (m) =>
      m === undefined ? null : readAnyValueJson(m, ctx, 0),
    ),
    attributes,
    droppedAttributesCount,
    flags: uint32Field(o, 'flags', 'flags'),
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    eventName: stringField(o, 'eventName', 'event_name'),
  };
}
