/**
 * Reading a fault's signature back from what the server stored, through its tRPC API only: spans of a
 * service in a time window (every page), whole traces, log records, change events, and how a process or
 * runtime metric changed across a stretch of time. Windows are epoch milliseconds; a span belongs to the
 * window its start falls in, so requests that began before a fault was injected or cleared stay out of it.
 */
import type { ApiClient } from '../../../apps/server/test/support/api-client.ts';
import { eventually } from './agent-process.ts';
import { attributeValue } from '../../../packages/shared/src/model/index.ts';

type SpanPage = Awaited<ReturnType<ApiClient['traces']['search']['query']>>;
export type StoredSpan = SpanPage['items'][number];
export type StoredLog = Awaited<ReturnType<ApiClient['logs']['search']['query']>>['items'][number];
export type StoredEvent = Awaited<ReturnType<ApiClient['events']['search']['query']>>['items'][number];
export type MetricPoint = Awaited<ReturnType<ApiClient['metrics']['points']['query']>>[number];

const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_ERROR = 2;

export interface Window {
  from: number;
  to: number;
}

/** The window from `from` to now. */
export function since(from: number): Window {
  return { from, to: Math.max(Date.now(), from + 1) };
}

export const durationMs = (span: StoredSpan): number => Number(span.durationNs) / 1e6;
/** Milliseconds from the start of `parent` to the start of `span`. */
export const offsetMs = (span: StoredSpan, parent: StoredSpan): number =>
  Number(span.startTimeUnixNano - parent.startTimeUnixNano) / 1e6;
export const isServer = (span: StoredSpan): boolean => span.kind === SPAN_KIND.server;
export const isClient = (span: StoredSpan): boolean => span.kind === SPAN_KIND.client;
export const isDb = (span: StoredSpan): boolean =>
  isClient(span) && attributeValue(span.attributes, 'db.system.name') !== undefined;
export const isError = (span: StoredSpan): boolean => span.status.code === STATUS_ERROR;
/** A client span that called the service listening on `port`. */
export const callsPort = (span: StoredSpan, port: string): boolean =>
  isClient(span) && attributeValue(span.attributes, 'server.port') === port;

/** The q-quantile (0…1) by nearest rank; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface SpanQuery extends Window {
  service: string;
  operation?: string;
  status?: 'unset' | 'ok' | 'error';
  minDurationMs?: number;
}

/** Every stored span matching the query (all pages, newest first), up to `maxSpans`. */
export async function spansIn(api: ApiClient, query: SpanQuery, maxSpans = 20_000): Promise<StoredSpan[]> {
  const spans: StoredSpan[] = [];
  let cursor: string | undefined;
  do {
    const page: SpanPage = await api.traces.search.query({ ...query, limit: 1000, cursor });
    spans.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && spans.length < maxSpans);
  return spans;
}

/** The spans of one kind (`which`) a service started since `from`, once at least `atLeast` of them are stored. */
function spansOfKindSince(
  which: { name: string; is: (span: StoredSpan) => boolean },
  api: ApiClient,
  service: string,
  from: number,
  atLeast: number,
): Promise<StoredSpan[]> {
  return eventually(
    async () => {
      const spans = (await spansIn(api, { service, ...since(from) })).filter(which.is);
      return spans.length >= atLeast ? spans : undefined;
    },
    60_000,
    `${atLeast} ${which.name} spans of ${service} since ${new Date(from).toISOString()}`,
  );
}

/** The server spans a service started since `from`, once at least `atLeast` of them are stored. */
export const serverSpansSince = (api: ApiClient, service: string, from: number, atLeast: number) =>
  spansOfKindSince({ name: 'server', is: isServer }, api, service, from, atLeast);

/** The DB client spans a service started since `from`, once at least `atLeast` of them are stored. */
export const dbSpansSince = (api: ApiClient, service: string, from: number, atLeast: number) =>
  spansOfKindSince({ name: 'DB', is: isDb }, api, service, from, atLeast);

/** A stored trace, once `complete` says all of it has arrived. */
function traceOf(
  api: ApiClient,
  traceId: string,
  complete: (spans: StoredSpan[]) => boolean,
): Promise<StoredSpan[]> {
  return eventually(
    async () => {
      const { spans } = await api.traces.byId.query({ traceId });
      return complete(spans) ? spans : undefined;
    },
    60_000,
    `trace ${traceId}`,
  );
}

/** Whether the spans hold a server span of each service named. */
export function servedBy(spans: readonly StoredSpan[], ...services: string[]): boolean {
  return services.every((service) => spans.some((s) => s.service === service && isServer(s)));
}

/** Several stored traces, each once `complete` says all of it has arrived. */
export function tracesOf(
  api: ApiClient,
  traceIds: readonly string[],
  complete: (spans: StoredSpan[]) => boolean,
): Promise<StoredSpan[][]> {
  return Promise.all(traceIds.map((id) => traceOf(api, id, complete)));
}

export interface LogQuery extends Window {
  service?: string;
  severity?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  text?: string;
  traceId?: string;
}

export async function logsIn(api: ApiClient, query: LogQuery): Promise<StoredLog[]> {
  return (await api.logs.search.query({ ...query, limit: 1000 })).items;
}

export interface EventQuery extends Window {
  service?: string;
  name?: string;
}

export async function eventsIn(api: ApiClient, query: EventQuery): Promise<StoredEvent[]> {
  return (await api.events.search.query({ ...query, limit: 1000 })).items;
}

export async function pointsIn(
  api: ApiClient,
  name: string,
  service: string,
  window: Window,
): Promise<MetricPoint[]> {
  return api.metrics.points.query({ ...window, name, service, limit: 10_000 });
}

const pointMs = (p: MetricPoint): number => Number(p.timeUnixNano / 1_000_000n);

/**
 * One reading per collection of a process: a metric summed over its label sets (CPU modes, heap spaces,
 * GC kinds) at each point time, optionally only the label sets `keep` accepts.
 */
interface Reading {
  ms: number;
  pid: string;
  total: number;
}

function readings(
  points: readonly MetricPoint[],
  value: (p: MetricPoint) => number = (p) => p.value,
  keep: (p: MetricPoint) => boolean = () => true,
): Reading[] {
  const byKey = new Map<string, Reading>();
  for (const p of points) {
    if (!keep(p)) continue;
    const pid = attributeValue(p.resource, 'process.pid') ?? '';
    const key = `${pid}@${p.timeUnixNano}`;
    const reading = byKey.get(key) ?? { ms: pointMs(p), pid, total: 0 };
    reading.total += value(p);
    byKey.set(key, reading);
  }
  return [...byKey.values()].sort((a, b) => a.ms - b.ms);
}

export interface MetricSpec {
  name: string;
  value?: (p: MetricPoint) => number;
  keep?: (p: MetricPoint) => boolean;
}

export interface Across {
  /** The reading the window starts from (see `start` of `across`). */
  before: Reading;
  /** The first reading at or after the window's end, of the same process. */
  after: Reading;
  /** Every reading from `before` to `after`. */
  readings: Reading[];
  /** after − before: what a cumulative metric (a counter, a histogram's count or sum) gained. */
  change: number;
  /** The highest reading after `before`: what a gauge rose to during the window. */
  peak: number;
}

/**
 * Where a window's first reading is taken: the last one at or before `from` (the window is covered
 * whole, and a little before it), or the first one at or after `from` (nothing from before `from` counts,
 * e.g. a fault that was active until then — wait for that reading with `readingSince` before the work).
 */
export type WindowStart = 'last-before' | 'first-after';

const describeReadings = (all: readonly Reading[], window: Window) =>
  all.length === 0
    ? 'no readings'
    : `${all.length} readings from ${all[0]!.ms - window.from} ms to ${all.at(-1)!.ms - window.to} ms ` +
      `relative to the window's ends, pids ${[...new Set(all.map((r) => r.pid))].join(', ')}`;

/**
 * A metric of each service across [from, to], from one reading near `from` (see WindowStart) to the first
 * at or after `to`, of one process (a counter of a restarted process would not compare). Waits until the
 * reading after `to` is stored.
 */
export function across(
  api: ApiClient,
  metric: MetricSpec,
  services: readonly string[],
  window: Window,
  start: WindowStart = 'last-before',
): Promise<Record<string, Across>> {
  return eventually(
    async () => {
      const result: Record<string, Across> = {};
      for (const service of services) {
        const all = readings(
          await pointsIn(api, metric.name, service, { from: window.from - 5000, to: window.to + 30_000 }),
          metric.value,
          metric.keep,
        );
        const before =
          start === 'last-before'
            ? all.filter((r) => r.ms <= window.from).at(-1)
            : all.find((r) => r.ms >= window.from);
        const after = all.find((r) => r.ms >= window.to && r.pid === before?.pid);
        if (before === undefined || after === undefined) {
          // Thrown, not returned: `eventually` reports the last one if the readings never come.
          throw new Error(`${service}: ${describeReadings(all, window)}`);
        }
        const between = all.filter((r) => r.ms >= before.ms && r.ms <= after.ms && r.pid === before.pid);
        result[service] = {
          before,
          after,
          readings: between,
          change: after.total - before.total,
          peak: Math.max(...between.slice(1).map((r) => r.total)),
        };
      }
      return result;
    },
    60_000,
    `${metric.name} of ${services.join(', ')} read around the window`,
  );
}

/** Waits until each service has a reading of the metric taken at or after `from`. */
export async function readingSince(
  api: ApiClient,
  metric: MetricSpec,
  services: readonly string[],
  from: number,
): Promise<void> {
  await eventually(
    async () => {
      for (const service of services) {
        const points = await pointsIn(api, metric.name, service, since(from));
        if (readings(points, metric.value, metric.keep).length === 0) return undefined;
      }
      return true;
    },
    60_000,
    `a reading of ${metric.name} of ${services.join(', ')} since ${new Date(from).toISOString()}`,
  );
}

/** The distinct processes (pids) that reported `metric` for a service in the window. */
export async function pidsIn(
  api: ApiClient,
  metric: string,
  service: string,
  window: Window,
): Promise<string[]> {
  const points = await pointsIn(api, metric, service, window);
  return [...new Set(points.map((p) => attributeValue(p.resource, 'process.pid') ?? ''))];
}
