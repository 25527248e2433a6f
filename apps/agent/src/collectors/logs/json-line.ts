/**
 * JSON log lines (pino, bunyan, zap, logrus JSON, ECS, …) → a log record's fields.
 *
 * Well-known keys fill the record's fields: time/timestamp/ts/@timestamp (ISO text or epoch s/ms/µs/ns),
 * level/severity/lvl (words, or pino's numbers 10…60), msg/message (the body), trace_id/traceId/trace.id and
 * span_id/spanId/span.id (ECS's nested `log.level`, `trace.id`, `span.id` too). Everything else becomes
 * attributes, nested objects flattened with dots (`{"http":{"status":200}}` → `http.status`), because the
 * store keeps attributes in a flat string map where a dotted key is directly filterable; past a few
 * levels a nested object stays a key-value list. A value under a well-known key that does not fit (a
 * trace id that is not hex, a time that is not a time) stays an attribute instead of being lost.
 */
import type { AnyValue, Attributes, LogRecord } from '@apo/shared/model';
import { severityFromPinoLevel, severityFromWord } from './severity.ts';
import {
  epochDigitsToNanos,
  epochToNanos,
  timestampTextToNanos,
  type IsoTimestampParser,
} from './timestamp.ts';
import { normalizeSpanId, normalizeTraceId } from './trace-context.ts';

const MAX_FLATTEN_DEPTH = 4;

const Role = { Time: 1, Level: 2, Message: 3, TraceId: 4, SpanId: 5, Nested: 6 } as const;
type Role = (typeof Role)[keyof typeof Role];

const ROLES: ReadonlyMap<string, Role> = new Map<string, Role>([
  ['time', Role.Time],
  ['timestamp', Role.Time],
  ['ts', Role.Time],
  ['@timestamp', Role.Time],
  ['level', Role.Level],
  ['severity', Role.Level],
  ['lvl', Role.Level],
  ['log.level', Role.Level],
  ['msg', Role.Message],
  ['message', Role.Message],
  ['trace_id', Role.TraceId],
  ['traceId', Role.TraceId],
  ['trace.id', Role.TraceId],
  ['span_id', Role.SpanId],
  ['spanId', Role.SpanId],
  ['span.id', Role.SpanId],
  // ECS nests these: {"log":{"level":…},"trace":{"id":…},"span":{"id":…}}.
  ['log', Role.Nested],
  ['trace', Role.Nested],
  ['span', Role.Nested],
]);

/**
 * Fills `record` from a JSON object line. Returns false (record untouched) when the line is not a JSON
 * object, so the caller can treat it as text.
 */
export function parseJsonLine(line: string, record: LogRecord, iso: IsoTimestampParser): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const object = parsed as Record<string, unknown>;
  const attributes = record.attributes;
  const seen = { time: false, level: false, message: false, trace: false, span: false };
  const keys = Object.keys(object);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = object[key];
    switch (ROLES.get(key)) {
      case Role.Time:
        if (!seen.time && setTime(record, key, value, line, iso)) {
          seen.time = true;
          continue;
        }
        break;
      case Role.Level:
        if (!seen.level && setLevel(record, value)) {
          seen.level = true;
          continue;
        }
        break;
      case Role.Message:
        if (!seen.message && value !== undefined) {
          record.body = toAnyValue(value);
          seen.message = true;
          continue;
        }
        break;
      case Role.TraceId:
        if (!seen.trace && typeof value === 'string' && (record.traceId = normalizeTraceId(value)) !== '') {
          seen.trace = true;
          continue;
        }
        break;
      case Role.SpanId:
        if (!seen.span && typeof value === 'string' && (record.spanId = normalizeSpanId(value)) !== '') {
          seen.span = true;
          continue;
        }
        break;
      case Role.Nested:
        if (isPlainObject(value)) {
          flattenNested(key, value, record, seen, attributes);
          continue;
        }
        break;
      default:
        break;
    }
    putFlattened(attributes, key, value, 0);
  }
  // Without a message key the whole line stays the body, so nothing is hidden from a text search.
  if (!seen.message) record.body = line;
  return true;
}

function flattenNested(
  key: string,
  value: Record<string, unknown>,
  record: LogRecord,
  seen: { level: boolean; trace: boolean; span: boolean },
  attributes: Attributes,
): void {
  for (const inner of Object.keys(value)) {
    const innerValue = value[inner];
    if (key === 'log' && inner === 'level' && !seen.level && setLevel(record, innerValue)) {
      seen.level = true;
      continue;
    }
    if (key === 'trace' && inner === 'id' && !seen.trace && typeof innerValue === 'string') {
      record.traceId = normalizeTraceId(innerValue);
      if (record.traceId !== '') {
        seen.trace = true;
        continue;
      }
    }
    if (key === 'span' && inner === 'id' && !seen.span && typeof innerValue === 'string') {
      record.spanId = normalizeSpanId(innerValue);
      if (record.spanId !== '') {
        seen.span = true;
        continue;
      }
    }
    putFlattened(attributes, `${key}.${inner}`, innerValue, 1);
  }
}

/** Raw digits of a numeric time field, for epochs in nanoseconds that a double cannot hold. */
const RAW_NUMBER: Record<string, RegExp> = {
  time: /"time"\s*:\s*(\d+(?:\.\d+)?)/,
  timestamp: /"timestamp"\s*:\s*(\d+(?:\.\d+)?)/,
  ts: /"ts"\s*:\s*(\d+(?:\.\d+)?)/,
  '@timestamp': /"@timestamp"\s*:\s*(\d+(?:\.\d+)?)/,
};

function setTime(
  record: LogRecord,
  key: string,
  value: unknown,
  line: string,
  iso: IsoTimestampParser,
): boolean {
  let nanos: bigint | undefined;
  if (typeof value === 'string') {
    nanos = timestampTextToNanos(value, iso);
  } else if (typeof value === 'number') {
    if (value > Number.MAX_SAFE_INTEGER) {
      const raw = RAW_NUMBER[key]?.exec(line);
      nanos = raw ? epochDigitsToNanos(raw[1]!) : undefined;
    }
    nanos ??= epochToNanos(value);
  }
  if (nanos === undefined) return false;
  record.timeUnixNano = nanos;
  return true;
}

function setLevel(record: LogRecord, value: unknown): boolean {
  if (typeof value === 'string') {
    record.severityText = value;
    record.severityNumber = severityFromWord(value);
    return true;
  }
  if (typeof value === 'number') {
    const pino = severityFromPinoLevel(value);
    record.severityText = pino?.text ?? String(value);
    record.severityNumber = pino?.number ?? 0;
    return true;
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function putFlattened(out: Attributes, key: string, value: unknown, depth: number): void {
  if (isPlainObject(value) && depth < MAX_FLATTEN_DEPTH) {
    const keys = Object.keys(value);
    if (keys.length === 0) {
      out[key] = emptyMap();
      return;
    }
    for (const inner of keys) putFlattened(out, `${key}.${inner}`, value[inner], depth + 1);
    return;
  }
  out[key] = toAnyValue(value);
}

function emptyMap(): Attributes {
  return Object.create(null) as Attributes;
}

/** JSON value → AnyValue: whole numbers become int values (bigint), others doubles. */
function toAnyValue(value: unknown): AnyValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isSafeInteger(value) ? BigInt(value) : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(toAnyValue);
      const map = emptyMap();
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) map[key] = toAnyValue(object[key]);
      return map;
    }
    default:
      return null;
  }
}
