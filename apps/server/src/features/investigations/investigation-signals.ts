/**
 * Rows read from storage → the minute-aligned signals the analyses take (analysis/signals.ts). Counters
 * and histogram sums arrive as the minute's last cumulative value and become per-minute rates here: the
 * increase since the previous minute's last point over the time between the two (a drop is a restart: the
 * new process counts from zero). The current minute's last point is only seconds into it, so its plain
 * increase would read as a quiet minute just when a fault has started. Levels stay averages. Label sets
 * are summed after.
 */
import { interpolateQuantile, RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT } from '@apo/shared/red';
import type {
  ChangeEvent,
  InvestigationSignals,
  InstanceSignals,
  LogPattern,
  ServiceSignals,
} from './analysis/signals.ts';
import type { ServiceDependencies } from './dependency-source.ts';
import type { EventRow, MetricSeries } from './investigation-queries.ts';
import type { ClientMinute, InstanceMinute, LogMinute, ServerMinute } from './minute-rows.ts';
import { minutesOf, type CoarseWindow } from './read-resolution.ts';

export interface Rows {
  server: ServerMinute[];
  /** Per instance requests, when `server` is per service (a long range). */
  instances?: InstanceMinute[] | undefined;
  client: ClientMinute[];
  metrics: MetricSeries[];
  logs: LogMinute[];
  events: EventRow[];
}

export interface Frame {
  startMs: number;
  minutes: number;
  rangeStartIndex: number;
  symptom: { service: string; endpoint?: string | undefined } | null;
  /** The part read in 5-minute buckets: a metric point there stands for its bucket's minutes. */
  coarse?: CoarseWindow | undefined;
}

const MINUTE_MS = 60_000;
const MAX_PATTERNS = 20;

type Field = Exclude<keyof InstanceSignals, 'instance' | 'requests'>;
/** Metric name (and disk direction) → the instance series it feeds, with a unit factor. */
export const METRIC_FIELDS: Record<
  string,
  { field: Field; scale?: (unit: string) => number; direction?: string }[]
> = {
  'process.cpu.time': [{ field: 'cpuSeconds' }],
  'apo.process.runqueue.wait.time': [{ field: 'runQueueSeconds' }],
  'apo.process.blkio.delay.time': [{ field: 'blkioSeconds' }],
  'process.disk.io': [
    { field: 'diskWriteBytes', direction: 'write' },
    { field: 'diskReadBytes', direction: 'read' },
  ],
  'process.memory.usage': [{ field: 'rssBytes' }],
  'v8js.gc.duration': [{ field: 'gcSeconds', scale: (u) => (u === 'ms' ? 0.001 : 1) }],
  'nodejs.eventloop.delay.p99': [{ field: 'eventLoopP99Ms', scale: (u) => (u === 'ms' ? 1 : 1000) }],
  'db.client.connection.wait_time': [{ field: 'poolWaitSeconds', scale: (u) => (u === 'ms' ? 0.001 : 1) }],
  'db.client.connection.pending_requests': [{ field: 'poolPending' }],
};

/** n minutes without data (a native fill: a day of 200 services is ~12 M of them, a callback each cost ~1 s). */
const nulls = (n: number): (number | null)[] =>
  new Array<number | null>(Math.max(0, Math.floor(n))).fill(null);

function add(series: (number | null)[], i: number, v: number): void {
  if (i >= 0 && i < series.length) series[i] = (series[i] ?? 0) + v;
}

function emptyInstance(instance: string, n: number): InstanceSignals {
  return {
    instance,
    requests: nulls(n),
    cpuSeconds: nulls(n),
    runQueueSeconds: nulls(n),
    blkioSeconds: nulls(n),
    diskWriteBytes: nulls(n),
    diskReadBytes: nulls(n),
    rssBytes: nulls(n),
    gcSeconds: nulls(n),
    eventLoopP99Ms: nulls(n),
    poolWaitSeconds: nulls(n),
    poolPending: nulls(n),
  };
}

/**
 * Adds a row's bucket counts into its minute's histogram (as `sumRedFigures` does: the fixed bucket
 * count, in row order), without an object per row: a day of 200 services is ~300 k rows.
 */
function addBuckets(perMinute: (number[] | undefined)[] | undefined, i: number, buckets: readonly number[]) {
  if (perMinute === undefined || i < 0 || i >= perMinute.length) return;
  const b = perMinute[i];
  if (b === undefined) {
    // The minute's first row: its counts as they are (0 + c is c), copied, so that a coarse bucket's
    // fractional shares do not turn a fresh array of small integers into doubles, one array per minute.
    const first = buckets.slice(0, RED_BUCKET_COUNT);
    while (first.length < RED_BUCKET_COUNT) first.push(0);
    perMinute[i] = first;
    return;
  }
  const k = Math.min(RED_BUCKET_COUNT, buckets.length);
  for (let j = 0; j < k; j++) b[j] = (b[j] ?? 0) + (buckets[j] ?? 0);
}

/** A point of a metric series: its value and when the minute's last point was taken (ms since the epoch). */
interface MetricPoint {
  v: number;
  lastMs: number;
}

/** A counter's increase from `prev` to `p` (from zero after a restart), per minute of the time between them. */
function perMinute(prev: MetricPoint, p: MetricPoint): number {
  const increase = p.v >= prev.v ? p.v - prev.v : p.v;
  const spanMs = p.lastMs - prev.lastMs;
  return spanMs > 0 ? (increase * MINUTE_MS) / spanMs : increase;
}

const sameCall = (a: ClientMinute, b: ClientMinute) =>
  a.service === b.service &&
  a.call_type === b.call_type &&
  a.peer === b.peer &&
  a.system === b.system &&
  a.db_namespace === b.db_namespace;

const sameSeries = (a: MetricSeries, b: MetricSeries) =>
  a.service === b.service && a.instance === b.instance && a.name === b.name && a.series === b.series;

function metricsInto(
  rows: readonly MetricSeries[],
  known: (service: string) => boolean,
  instanceOf: (service: string, instance: string) => InstanceSignals,
  index: (s: number) => number,
  coarse: CoarseWindow | undefined,
) {
  // Series come ordered by service, instance, name, label set: a counter's previous value is the minute
  // before, and a series' first minute follows the last of the series before when both are the same label
  // set (of another type or temporality). Series of services without entry spans are skipped.
  let before: { series: MetricSeries; point: MetricPoint } | undefined;
  for (const r of rows) {
    if (!known(r.service) || r.minutes.length === 0) continue;
    const fields = (METRIC_FIELDS[r.name] ?? [])
      .filter((f) => f.direction === undefined || f.direction === r.disk_direction)
      .map((f) => ({ field: f.field, scale: f.scale?.(r.unit) ?? 1 }));
    let target: InstanceSignals | undefined;
    let prev = before !== undefined && sameSeries(before.series, r) ? before.point : undefined;
    for (let k = 0; k < r.minutes.length; k++) {
      const minute = r.minutes[k] ?? 0;
      const point = { v: r.values[k] ?? 0, lastMs: minute * 1000 + (r.last_offsets[k] ?? 0) };
      const v = !r.cumulative ? point.v : prev === undefined ? null : perMinute(prev, point);
      prev = point;
      if (v === null || fields.length === 0) continue;
      target ??= instanceOf(r.service, r.instance);
      // A bucket's point: a rate (per minute already) or a level holds for each of its minutes; a delta
      // counter's sum is shared between them.
      const width = minutesOf(minute, coarse);
      const each = r.additive && width > 1 ? v / width : v;
      for (let m = 0; m < width; m++)
        for (const f of fields) add(target[f.field], index(minute) + m, each * f.scale);
    }
    if (prev !== undefined) before = { series: r, point: prev };
  }
}

function patternsOf(
  rows: readonly LogMinute[],
  n: number,
  index: (s: number) => number,
): Map<string, { errors: (number | null)[]; patterns: LogPattern[] }> {
  const out = new Map<string, { errors: (number | null)[]; patterns: LogPattern[] }>();
  const byPattern = new Map<
    string,
    Omit<LogPattern, 'counts'> & { counts: (number | null)[]; total: number }
  >();
  for (const r of rows) {
    const svc = out.get(r.service) ?? { errors: nulls(n), patterns: [] };
    out.set(r.service, svc);
    add(svc.errors, index(r.minute_s), r.records);
    const key = `${r.service}\u0000${r.pattern}`;
    let p = byPattern.get(key);
    if (p === undefined) {
      p = {
        pattern: r.pattern,
        counts: nulls(n),
        total: 0,
        sample: {
          ts: r.sample_ms,
          service: r.service,
          instance: r.sample_instance,
          severity: r.sample_severity,
          body: r.sample_body,
          traceId: r.sample_trace_id,
        },
      };
      byPattern.set(key, p);
    }
    p.total += r.records;
    add(p.counts, index(r.minute_s), r.records);
  }
  for (const [key, p] of byPattern) out.get(key.split('\u0000')[0] ?? '')?.patterns.push(p);
  for (const svc of out.values()) {
    svc.patterns.sort((a, b) => total(b) - total(a) || a.pattern.localeCompare(b.pattern));
    svc.patterns.splice(MAX_PATTERNS);
  }
  return out;
}

const total = (p: LogPattern): number => p.counts.reduce<number>((a, b) => a + (b ?? 0), 0);

function eventOf(e: EventRow): ChangeEvent {
  return {
    ts: e.ts_ms,
    name: e.name,
    instance: e.instance,
    detail: e.new_version !== '' ? `→ ${e.new_version}` : e.message,
    ...(e.new_version === '' ? {} : { version: e.new_version }),
    ...(e.previous_version === '' ? {} : { previousVersion: e.previous_version }),
  };
}

export function buildSignals(rows: Rows, frame: Frame, deps: ServiceDependencies): InvestigationSignals {
  const n = frame.minutes;
  const index = (s: number) => Math.floor((s * 1000 - frame.startMs) / MINUTE_MS);
  const services = new Map<string, ServiceSignals>();
  /** Per service, per minute: its entry spans' bucket counts, summed (p50 / p99 come from them). */
  const histograms = new Map<string, (number[] | undefined)[]>();
  const serviceOf = (name: string): ServiceSignals => {
    let s = services.get(name);
    if (s === undefined) {
      s = {
        service: name,
        requests: nulls(n),
        errors: nulls(n),
        serverMs: nulls(n),
        clientMs: nulls(n),
        p50Ms: nulls(n),
        p99Ms: nulls(n),
        calls: [],
        instances: [],
        logErrors: nulls(n),
        logPatterns: [],
        events: [],
      };
      services.set(name, s);
      histograms.set(name, new Array<number[] | undefined>(n));
    }
    return s;
  };
  const instanceOf = (service: string, instance: string): InstanceSignals => {
    const s = serviceOf(service);
    let i = s.instances.find((x) => x.instance === instance);
    if (i === undefined) {
      i = emptyInstance(instance, n);
      s.instances.push(i);
    }
    return i;
  };
  const endpoint = frame.symptom?.endpoint;
  for (const r of rows.server) {
    // The asked endpoint narrows its service's curves; the other services keep all their endpoints.
    if (endpoint !== undefined && r.service === frame.symptom?.service && r.hit === 0) continue;
    const s = serviceOf(r.service);
    const i = index(r.minute_s);
    add(s.requests, i, r.requests);
    add(s.errors, i, r.failed);
    add(s.serverMs, i, r.sum_ms);
    if (r.instance !== null) add(instanceOf(r.service, r.instance).requests, i, r.requests);
    addBuckets(histograms.get(r.service), i, r.buckets);
  }
  for (const r of rows.instances ?? []) {
    if (endpoint !== undefined && r.service === frame.symptom?.service && r.hit === 0) continue;
    add(instanceOf(r.service, r.instance).requests, index(r.minute_s), r.requests);
  }
  for (const [name, perMinute] of histograms) {
    const s = serviceOf(name);
    perMinute.forEach((b, i) => {
      if (b === undefined) return;
      s.p50Ms[i] = interpolateQuantile(b, RED_BUCKET_BOUNDS_MS, 0.5);
      s.p99Ms[i] = interpolateQuantile(b, RED_BUCKET_BOUNDS_MS, 0.99);
    });
  }
  const calls = new Map<string, ServiceSignals['calls'][number]>();
  let last: { row: ClientMinute; call: ServiceSignals['calls'][number] } | undefined;
  for (const r of rows.client) {
    if (!services.has(r.service)) continue;
    const s = serviceOf(r.service);
    const i = index(r.minute_s);
    // Messages are sent, not waited for: their time is not the caller's dependency time.
    if (r.call_type !== 'messaging') add(s.clientMs, i, r.sum_ms);
    // Rows come a series at a time: the call of the row before is this one's unless a key field changed.
    let c = last !== undefined && sameCall(last.row, r) ? last.call : undefined;
    const key =
      c === undefined
        ? `${r.service}\u0000${r.call_type}\u0000${r.peer}\u0000${r.system}\u0000${r.db_namespace}`
        : '';
    c ??= calls.get(key);
    if (c === undefined) {
      const peerService = r.call_type === 'db' ? null : deps.peerService(r.service, r.peer);
      const label =
        r.call_type === 'db'
          ? `${r.system} ${r.db_namespace || r.peer}`.trim()
          : (peerService ?? (r.peer || r.system));
      c = {
        callType: r.call_type,
        peer: r.peer,
        peerService,
        label,
        requests: nulls(n),
        errors: nulls(n),
        durationMs: nulls(n),
      };
      calls.set(key, c);
      s.calls.push(c);
    }
    last = { row: r, call: c };
    add(c.requests, i, r.calls);
    add(c.errors, i, r.failed);
    add(c.durationMs, i, r.sum_ms);
  }
  metricsInto(rows.metrics, (service) => services.has(service), instanceOf, index, frame.coarse);
  for (const [service, l] of patternsOf(rows.logs, n, index)) {
    const s = services.get(service);
    if (s === undefined) continue;
    s.logErrors = l.errors;
    s.logPatterns = l.patterns;
  }
  for (const e of rows.events) services.get(e.service)?.events.push(eventOf(e));
  const list = [...services.values()].sort((a, b) => a.service.localeCompare(b.service));
  for (const s of list) s.instances.sort((a, b) => a.instance.localeCompare(b.instance));
  return {
    startMs: frame.startMs,
    minutes: n,
    rangeStartIndex: frame.rangeStartIndex,
    symptom: frame.symptom,
    services: list,
    edges: deps.edges,
  };
}
