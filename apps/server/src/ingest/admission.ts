/**
 * Admission: what a span, log record or data point must be to be stored. Checked per item after decoding
 * and before the group-commit writer, so one bad item is rejected alone (counted in the OTLP partial
 * success) instead of being stored where it does harm or making a whole flush — other clients' requests
 * included — fail.
 *
 * Time: an item's time — the one its table partitions on — must lie in [now − that table's retention,
 * now + 1 day]. Older items would be dropped by the TTL at once (0, 1, year 1970…), and times beyond what
 * the engine's DateTime64 holds wrap into partitions the TTL never removes (year 2500 became 1915, 2^63 ns
 * became 1677). One request spread over more than 100 days also made the engine refuse the whole insert
 * (max_partitions_per_insert_block).
 * - spans: the start time; a span must also end no earlier than it starts and no later than the window;
 * - log records: the time, or the observed time when the time is 0 (the OTLP rule for a single timestamp);
 *   when both are 0 the server is the first to observe the record, so it stamps the observed time with
 *   its own clock. Records with an event name go to `events`, which has its own retention;
 * - data points: the time; a start time after it is rejected too. RED points (apo.red.*) go to the
 *   rollups and are checked against the RED retention.
 *
 * Identity: spans need a trace id and a span id that are not all zeros (the W3C invalid ids: such spans can
 * be neither found nor joined) and a kind in 0..5. A log record's or a span's parent all-zero id means
 * "none" and is stored empty.
 *
 * Rejections mutate the decoded batch in place (rejected items are removed), so everything downstream —
 * row encoding, the server-side RED rollups — sees only admitted items.
 */
import type { LogRecord, LogsData, MetricsData, Span, TracesData } from '@apo/shared/model';
import { eventNameOf, isRedMetric, type Retention } from '../storage/index.ts';
import type { DecodedBatch } from './decoded-batch.ts';

const MS_PER_DAY = 86_400_000;
const NS_PER_MS = 1_000_000n;
/** How far ahead of the server's clock an item may be: clock skew, never a partition far in the future. */
const MAX_AHEAD_MS = MS_PER_DAY;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);
const MAX_SPAN_KIND = 5;

/** The retentions admission uses, in days. */
export type AdmissionRetention = Pick<Retention, 'spans' | 'logs' | 'events' | 'metrics' | 'red'>;

type RejectReason = 'time' | 'end-time' | 'start-time' | 'trace-id' | 'span-id' | 'kind';

export interface Admission {
  /** Items received: spans, log records or data points, as OTLP counts them. */
  received: number;
  rejected: number;
  byReason: ReadonlyMap<RejectReason, number>;
  /** For the partial-success answer: how many, why, the window, the first offending value. */
  message: string | undefined;
}

interface TimeWindow {
  fromNs: bigint;
  toNs: bigint;
  /** e.g. `[2026-01-01T00:00:00.000Z, 2026-01-09T00:00:00.000Z] (the spans' retention of 7 days, up to 1 day ahead)` */
  text: string;
}

function timeWindow(days: number, what: string, nowMs: number): TimeWindow {
  // Never before the epoch: 0 means "unset" in OTLP, and an enormous retention must not reach below it.
  const fromMs = Math.max(1, nowMs - days * MS_PER_DAY);
  const toMs = nowMs + MAX_AHEAD_MS;
  return {
    fromNs: BigInt(fromMs) * NS_PER_MS,
    toNs: BigInt(toMs) * NS_PER_MS,
    text: `[${new Date(fromMs).toISOString()}, ${new Date(toMs).toISOString()}] (${what} retention of ${days} days, up to 1 day ahead)`,
  };
}

const outside = (ns: bigint, w: TimeWindow): boolean => ns < w.fromNs || ns > w.toNs;

/** A nanosecond time as the client sent it and as a date, e.g. `16725225600000000000 (2500-01-01T00:00:00.000Z)`. */
export function describeNanos(ns: bigint): string {
  const ms = Number(ns / NS_PER_MS);
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? ns.toString() : `${ns} (${date.toISOString()})`;
}

/** Rejections of one request, by the text of their rule; the first offending value of each is kept. */
class Tally {
  readonly #rules = new Map<string, { reason: RejectReason; count: number; first: string }>();
  rejected = 0;

  reject(reason: RejectReason, rule: string, first: () => string): void {
    this.rejected++;
    const entry = this.#rules.get(rule);
    if (entry) entry.count++;
    else this.#rules.set(rule, { reason, count: 1, first: first() });
  }

  result(received: number, noun: string): Admission {
    const byReason = new Map<RejectReason, number>();
    const parts: string[] = [];
    for (const [rule, { reason, count, first }] of this.#rules) {
      byReason.set(reason, (byReason.get(reason) ?? 0) + count);
      parts.push(`${count} ${rule}; first: ${first}`);
    }
    return {
      received,
      rejected: this.rejected,
      byReason,
      message:
        this.rejected === 0
          ? undefined
          : `${this.rejected} of ${received} ${noun} rejected: ${parts.join(' | ')}`,
    };
  }
}

/** Removes the items `keep` refuses, allocating only when one is refused (the usual request has none). */
function filterInPlace<T>(items: T[], keep: (item: T) => boolean): T[] {
  let kept: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (keep(item)) kept?.push(item);
    else kept ??= items.slice(0, i);
  }
  return kept ?? items;
}

function admitSpan(span: Span, w: TimeWindow, tally: Tally): boolean {
  if (span.traceId === '' || span.traceId === ZERO_TRACE_ID) {
    tally.reject('trace-id', 'with an empty or all-zero traceId', () => `span ${JSON.stringify(span.name)}`);
    return false;
  }
  if (span.spanId === '' || span.spanId === ZERO_SPAN_ID) {
    tally.reject('span-id', 'with an empty or all-zero spanId', () => `span ${JSON.stringify(span.name)}`);
    return false;
  }
  if (!(span.kind >= 0 && span.kind <= MAX_SPAN_KIND)) {
    tally.reject('kind', `with a kind outside 0..${MAX_SPAN_KIND}`, () => `kind ${span.kind}`);
    return false;
  }
  const start = span.startTimeUnixNano;
  if (outside(start, w)) {
    tally.reject('time', `with a startTimeUnixNano outside ${w.text}`, () => describeNanos(start));
    return false;
  }
  const end = span.endTimeUnixNano;
  if (end < start || end > w.toNs) {
    tally.reject(
      'end-time',
      'with an endTimeUnixNano before its startTimeUnixNano or more than 1 day ahead',
      () => `start ${describeNanos(start)}, end ${describeNanos(end)}`,
    );
    return false;
  }
  if (span.parentSpanId === ZERO_SPAN_ID) span.parentSpanId = '';
  return true;
}

export function admitTraces(data: TracesData, retention: AdmissionRetention, nowMs: number): Admission {
  const w = timeWindow(retention.spans, "the spans'", nowMs);
  const tally = new Tally();
  let received = 0;
  for (const rs of data.resourceSpans)
    for (const ss of rs.scopeSpans) {
      received += ss.spans.length;
      ss.spans = filterInPlace(ss.spans, (span) => admitSpan(span, w, tally));
    }
  return tally.result(received, 'spans');
}

function admitLogRecord(
  record: LogRecord,
  logs: TimeWindow,
  events: TimeWindow,
  nowNs: bigint,
  tally: Tally,
): boolean {
  if (record.traceId === ZERO_TRACE_ID) record.traceId = '';
  if (record.spanId === ZERO_SPAN_ID) record.spanId = '';
  if (record.timeUnixNano === 0n && record.observedTimeUnixNano === 0n) record.observedTimeUnixNano = nowNs;
  const field = record.timeUnixNano !== 0n ? 'a timeUnixNano' : 'an observedTimeUnixNano (timeUnixNano 0)';
  const time = record.timeUnixNano !== 0n ? record.timeUnixNano : record.observedTimeUnixNano;
  const w = eventNameOf(record.eventName, record.attributes) === '' ? logs : events;
  if (outside(time, w)) {
    tally.reject('time', `with ${field} outside ${w.text}`, () => describeNanos(time));
    return false;
  }
  return true;
}

export function admitLogs(data: LogsData, retention: AdmissionRetention, nowMs: number): Admission {
  const logs = timeWindow(retention.logs, "the logs'", nowMs);
  const events = timeWindow(retention.events, "the events'", nowMs);
  const nowNs = BigInt(nowMs) * NS_PER_MS;
  const tally = new Tally();
  let received = 0;
  for (const rl of data.resourceLogs)
    for (const sl of rl.scopeLogs) {
      received += sl.logRecords.length;
      sl.logRecords = filterInPlace(sl.logRecords, (r) => admitLogRecord(r, logs, events, nowNs, tally));
    }
  return tally.result(received, 'log records');
}

interface TimedPoint {
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
}

function admitPoint(point: TimedPoint, w: TimeWindow, tally: Tally): boolean {
  const time = point.timeUnixNano;
  if (outside(time, w)) {
    tally.reject('time', `with a timeUnixNano outside ${w.text}`, () => describeNanos(time));
    return false;
  }
  const start = point.startTimeUnixNano;
  if (start > time) {
    tally.reject(
      'start-time',
      'with a startTimeUnixNano after its timeUnixNano',
      () => `start ${describeNanos(start)}, time ${describeNanos(time)}`,
    );
    return false;
  }
  return true;
}

export function admitMetrics(data: MetricsData, retention: AdmissionRetention, nowMs: number): Admission {
  const metrics = timeWindow(retention.metrics, "the metrics'", nowMs);
  const red = timeWindow(retention.red, "the RED rollups'", nowMs);
  const tally = new Tally();
  let received = 0;
  for (const rm of data.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const metric of sm.metrics) {
        const d = metric.data;
        if (d.type === 'empty') continue;
        const w = isRedMetric(metric) ? red : metrics;
        received += d.points.length;
        // Every kind's points carry the two times; the cast keeps each kind's own point type.
        const points = d.points as TimedPoint[];
        (d as { points: TimedPoint[] }).points = filterInPlace(points, (p) => admitPoint(p, w, tally));
      }
  return tally.result(received, 'data points');
}

/** Applies the rules to a decoded request in place; the answer says what was rejected and why. */
export function admit(batch: DecodedBatch, retention: AdmissionRetention, nowMs: number): Admission {
  switch (batch.signal) {
    case 'traces':
      return admitTraces(batch.data, retention, nowMs);
    case 'logs':
      return admitLogs(batch.data, retention, nowMs);
    case 'metrics':
      return admitMetrics(batch.data, retention, nowMs);
  }
}
