/**
 * The Jaeger query API's parameters as Jaeger's query service takes them (cmd/query/app/query_parser.go):
 * times in microseconds since the epoch, durations as Go duration strings ("1.5ms", "2s", "1h30m"), tags
 * as a JSON object of strings (`tags=`) or `key:value` pairs (`tag=`), the UI's `lookback` ("1h", "2d",
 * "custom"). A value that cannot be read is refused with a JaegerParamError naming the parameter, never
 * guessed at; the time range then goes through the API's one check (features/time-range.ts).
 */
import { timeRangeInput } from '../time-range.ts';
import { SPAN_KIND_NAMES } from './jaeger-model.ts';

export class JaegerParamError extends Error {
  override readonly name = 'JaegerParamError';
  readonly param: string;
  constructor(param: string, problem: string) {
    super(`unable to parse param '${param}': ${problem}`);
    this.param = param;
  }
}

/** Traces one search may return (Jaeger's UI asks for 20 unless told otherwise). */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;
/** Without `start` or `lookback`, as Jaeger: the last two days. */
const DEFAULT_LOOKBACK_MS = 2 * 24 * 3_600_000;
const MAX_TAGS = 16;
const MAX_NAME = 1024;
const MAX_VALUE = 16 * 1024;

/**
 * A trace id as Jaeger writes it: 1 to 32 hex digits (Jaeger drops leading zeros of a 64-bit id), read as
 * APO stores it: 32 lowercase digits.
 */
export function parseTraceId(raw: string, param = 'traceID'): string {
  if (!/^[0-9a-fA-F]{1,32}$/.test(raw))
    throw new JaegerParamError(param, `"${raw.slice(0, 64)}" is not a trace id (1 to 32 hex digits)`);
  return raw.toLowerCase().padStart(32, '0');
}

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  μs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 6e10,
  h: 3.6e12,
};
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** A Go duration string ("300ms", "1.5s", "1h30m"; "0" alone) in milliseconds. Negative ones are refused. */
export function parseDuration(raw: string, param: string): number {
  const problem = `"${raw.slice(0, 64)}" is not a duration: a number and a unit (ns, us, ms, s, m, h), e.g. "1.2s" or "1h30m"`;
  if (raw === '0') return 0;
  let ns = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < raw.length) {
    const at = DURATION_PART.lastIndex;
    const m = DURATION_PART.exec(raw);
    if (m === null || m.index !== at) throw new JaegerParamError(param, problem);
    ns += Number(m[1]) * (UNIT_NS[m[2] ?? ''] ?? NaN);
  }
  if (raw === '' || !Number.isFinite(ns)) throw new JaegerParamError(param, problem);
  return ns / 1e6;
}

const LOOKBACK_UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The UI's lookback ("1h", "2d", "custom": the explicit start and end decide) in ms; undefined for custom. */
export function parseLookback(raw: string): number | undefined {
  if (raw === 'custom') return undefined;
  const m = /^(\d{1,6})([mhdw])$/.exec(raw);
  if (m === null)
    throw new JaegerParamError(
      'lookback',
      `"${raw.slice(0, 64)}" is not a lookback: a whole number and m, h, d or w (e.g. "1h", "2d"), or "custom"`,
    );
  return Number(m[1]) * (LOOKBACK_UNIT_MS[m[2] ?? ''] ?? NaN);
}

/** Microseconds since the epoch, as a decimal integer. */
function parseMicros(raw: string, param: string): number {
  if (!/^\d{1,19}$/.test(raw))
    throw new JaegerParamError(param, `"${raw.slice(0, 64)}" is not a time in microseconds since the epoch`);
  return Number(raw);
}

interface TagFilter {
  key: string;
  value: string;
}

/** `tags={"k":"v",…}` and `tag=k:v` (repeatable) together, as Jaeger reads them. */
export function parseTags(json: string | undefined, pairs: readonly string[]): TagFilter[] {
  const tags: TagFilter[] = [];
  for (const pair of pairs) {
    const colon = pair.indexOf(':');
    if (colon <= 0) throw new JaegerParamError('tag', `"${pair.slice(0, 64)}" is not key:value`);
    tags.push({ key: pair.slice(0, colon), value: pair.slice(colon + 1) });
  }
  if (json !== undefined && json !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new JaegerParamError('tags', `not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new JaegerParamError('tags', 'must be a JSON object of strings, e.g. {"http.route":"/orders"}');
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value !== 'string')
        throw new JaegerParamError('tags', `the value of "${key.slice(0, 64)}" must be a string`);
      tags.push({ key, value });
    }
  }
  if (tags.length > MAX_TAGS)
    throw new JaegerParamError('tags', `at most ${MAX_TAGS} tags, got ${tags.length}`);
  for (const t of tags) {
    if (t.key === '' || t.key.length > MAX_NAME)
      throw new JaegerParamError('tags', `a tag key must be 1 to ${MAX_NAME} characters`);
    if (t.value.length > MAX_VALUE)
      throw new JaegerParamError(
        'tags',
        `the value of "${t.key.slice(0, 64)}" is over ${MAX_VALUE} characters`,
      );
  }
  return tags;
}

/** A span kind as Jaeger names it ("server", …; "" = unspecified), as its stored number. */
export function parseSpanKind(raw: string, param: string): number {
  const kind = SPAN_KIND_NAMES.findIndex((name) => name === raw);
  if (kind < 0)
    throw new JaegerParamError(
      param,
      `"${raw.slice(0, 64)}" is not a span kind (${SPAN_KIND_NAMES.slice(1).join(', ')})`,
    );
  return kind;
}

/** What a trace search asks for, read and checked; the tags Jaeger makes from columns filter those columns. */
export interface JaegerSearch {
  /** ms since the epoch, [from, to). */
  from: number;
  to: number;
  service: string;
  operation?: string | undefined;
  minDurationMs?: number | undefined;
  maxDurationMs?: number | undefined;
  /** From `error` and `otel.status_code` tags. */
  status?: 'unset' | 'ok' | 'error' | undefined;
  /** `error=false`: spans that did not fail. */
  notFailed: boolean;
  /** From a `span.kind` tag. */
  kind?: number | undefined;
  attributes: TagFilter[];
  limit: number;
}

/** The first value of a parameter; undefined when absent or empty (Jaeger's FormValue). */
function one(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null || v === '' ? undefined : v;
}

function parseName(raw: string | undefined, param: string): string | undefined {
  if (raw !== undefined && raw.length > MAX_NAME)
    throw new JaegerParamError(param, `at most ${MAX_NAME} characters, got ${raw.length}`);
  return raw;
}

/** The range searched: `start`/`end` (µs) when given, else `lookback` (or two days) back from `end` or now. */
function timeRange(q: URLSearchParams, nowMs: number): { from: number; to: number } {
  const endRaw = one(q, 'end');
  const startRaw = one(q, 'start');
  const lookbackRaw = one(q, 'lookback');
  const lookback = lookbackRaw === undefined ? undefined : parseLookback(lookbackRaw);
  // Microseconds to whole ms: `from` rounded down and `to` (exclusive) past `end`, so both ends are inside.
  const to = endRaw === undefined ? nowMs : Math.floor(parseMicros(endRaw, 'end') / 1000) + 1;
  const from =
    startRaw === undefined
      ? Math.max(0, to - (lookback ?? DEFAULT_LOOKBACK_MS))
      : Math.floor(parseMicros(startRaw, 'start') / 1000);
  const checked = timeRangeInput({}).safeParse({ from, to });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const param = issue?.path[0] === 'from' ? 'start' : 'end';
    throw new JaegerParamError(param, issue?.message ?? 'out of range');
  }
  return { from, to };
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIMIT)
    throw new JaegerParamError(
      'limit',
      `must be a whole number from 1 to ${MAX_LIMIT}, got "${raw.slice(0, 64)}"`,
    );
  return Number(raw);
}

const STATUS_BY_NAME: Record<string, 'unset' | 'ok' | 'error'> = { UNSET: 'unset', OK: 'ok', ERROR: 'error' };

/** `GET /api/traces` without `traceID`: the search, read from the query string. */
export function parseTraceSearch(q: URLSearchParams, nowMs: number): JaegerSearch {
  const service = parseName(one(q, 'service'), 'service');
  if (service === undefined) throw new JaegerParamError('service', "parameter 'service' is required");
  const minDurationMs = mapDefined(one(q, 'minDuration'), (v) => parseDuration(v, 'minDuration'));
  const maxDurationMs = mapDefined(one(q, 'maxDuration'), (v) => parseDuration(v, 'maxDuration'));
  if (minDurationMs !== undefined && maxDurationMs !== undefined && maxDurationMs < minDurationMs)
    throw new JaegerParamError('maxDuration', "'maxDuration' should be greater than 'minDuration'");
  const search: JaegerSearch = {
    ...timeRange(q, nowMs),
    service,
    operation: parseName(one(q, 'operation'), 'operation'),
    minDurationMs,
    maxDurationMs,
    notFailed: false,
    attributes: [],
    limit: parseLimit(one(q, 'limit')),
  };
  for (const tag of parseTags(one(q, 'tags'), q.getAll('tag'))) {
    if (tag.key === 'error' && (tag.value === 'true' || tag.value === 'false')) {
      if (tag.value === 'true') search.status = 'error';
      else search.notFailed = true;
    } else if (tag.key === 'otel.status_code' && STATUS_BY_NAME[tag.value] !== undefined) {
      search.status = STATUS_BY_NAME[tag.value];
    } else if (tag.key === 'span.kind') {
      search.kind = parseSpanKind(tag.value, 'tags');
    } else {
      search.attributes.push(tag);
    }
  }
  return search;
}

/** `traceID=` values of a search by ids (repeatable), read; empty when there are none. */
export function parseTraceIds(q: URLSearchParams): string[] {
  const ids = q.getAll('traceID').filter((v) => v !== '');
  if (ids.length > MAX_LIMIT) throw new JaegerParamError('traceID', `at most ${MAX_LIMIT} trace ids`);
  return [...new Set(ids.map((id) => parseTraceId(id)))];
}

function mapDefined<T, U>(value: T | undefined, f: (v: T) => U): U | undefined {
  return value === undefined ? undefined : f(value);
}
