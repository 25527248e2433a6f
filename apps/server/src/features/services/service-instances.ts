/**
 * `services.instances`: each instance (process) of a service with its identity (pid, container, pod,
 * host, version, start) and figures over the range — CPU, run-queue wait, event-loop delay and GC where
 * the runtime reports them, RSS, open descriptors, restarts, error logs — from the agent's process metrics
 * (docs/agent-metrics.md), the Node.js runtime metrics, the events and the logs.
 */
import type { ServiceInstance, ServiceInstances } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import { instancePage, processSeries } from '../instances/instance-queries.ts';
import type { ProcessSeries, ServiceRange } from '../instances/instance-queries.ts';
import { RESTART_EVENT } from '../overview/overview-queries.ts';

/** The metric names read (apps/agent/src/collectors/process/process-metrics.ts, runtime-node). */
export const PROCESS_METRICS = {
  cpu: 'process.cpu.time',
  runQueue: 'apo.process.runqueue.wait.time',
  rss: 'process.memory.usage',
  fds: 'process.unix.file_descriptor.count',
  eventLoopP99: 'nodejs.eventloop.delay.p99',
  gc: 'v8js.gc.duration',
} as const;

/** OTLP SeverityNumber ERROR (17–24 with FATAL). */
export const SEVERITY_ERROR = 17;
/** Instances on a page unless asked otherwise. */
export const INSTANCES_PAGE = 100;

const nonEmpty = (s: string): string | null => (s === '' ? null : s);

/** Σ per series of (last − first) ÷ the seconds the series together cover; null without two points. */
function ratePerSecond(rows: readonly ProcessSeries[], pick: (r: ProcessSeries) => [number, number]) {
  if (rows.length === 0) return null;
  const from = Math.min(...rows.map((r) => r.first_ms));
  const to = Math.max(...rows.map((r) => r.last_ms));
  if (to <= from) return null;
  const delta = rows.reduce((sum, r) => {
    const [first, last] = pick(r);
    return sum + Math.max(0, last - first);
  }, 0);
  return delta / ((to - from) / 1000);
}

/** The newest series' last value. */
function lastValue(rows: readonly ProcessSeries[]): number | null {
  let best: ProcessSeries | undefined;
  for (const r of rows) if (best === undefined || r.last_ms > best.last_ms) best = r;
  return best === undefined ? null : best.last_value;
}

/** One instance's row from its series (newest first), restarts and error logs. */
function instanceOf(
  instance: string,
  series: readonly ProcessSeries[],
  restarts: number,
  errorLogs: number,
): ServiceInstance {
  const of = (name: string) => series.filter((s) => s.name === name);
  const identity = series.find((s) => s.pid_text !== '') ?? series[0];
  const pid = identity === undefined ? NaN : Number(identity.pid_text);
  const started = identity === undefined ? NaN : Date.parse(identity.started);
  const cpu = ratePerSecond(of(PROCESS_METRICS.cpu), (r) => [r.first_value, r.last_value]);
  const runQueue = ratePerSecond(of(PROCESS_METRICS.runQueue), (r) => [r.first_value, r.last_value]);
  const gc = ratePerSecond(of(PROCESS_METRICS.gc), (r) => [r.first_sum, r.last_sum]);
  const loop = of(PROCESS_METRICS.eventLoopP99);
  return {
    instance,
    pid: Number.isSafeInteger(pid) && identity?.pid_text !== '' ? pid : null,
    container: nonEmpty(identity?.container_id ?? ''),
    pod: nonEmpty(identity?.pod_name ?? ''),
    host: nonEmpty(identity?.host_name ?? ''),
    version: nonEmpty(identity?.version_text ?? ''),
    startMs: Number.isFinite(started) ? started : null,
    cpuCores: cpu,
    runQueueMsPerS: runQueue === null ? null : runQueue * 1000,
    // Seconds, as the runtime metrics report them.
    eventLoopDelayP99Ms: loop.length === 0 ? null : Math.max(...loop.map((s) => s.max_value)) * 1000,
    gcMsPerS: gc === null ? null : gc * 1000,
    rssBytes: lastValue(of(PROCESS_METRICS.rss)),
    openFds: lastValue(of(PROCESS_METRICS.fds)),
    restarts,
    errorLogs,
    lastSeenMs: series.length === 0 ? null : Math.max(...series.map((s) => s.last_ms)),
  };
}

/**
 * A page of the service's instances, by name: the page's names with their restarts and error logs first
 * (every instance with process metrics, restarts or error logs in the range), then their series. Two reads:
 * the page once took four (names, then series, restarts and logs again for the page's names), each statement
 * with its fixed cost and the day's logs read twice (bench/README.md, "Service detail II").
 */
export async function serviceInstances(
  storage: Storage,
  input: ServiceRange & { cursor?: string | undefined; limit?: number | undefined },
): Promise<ServiceInstances> {
  const names = Object.values(PROCESS_METRICS);
  const page = await instancePage(storage, {
    ...input,
    names,
    eventName: RESTART_EVENT,
    severity: SEVERITY_ERROR,
    limit: input.limit ?? INSTANCES_PAGE,
  });
  if (page.rows.length === 0) return { instances: [], nextCursor: null };
  const series = await processSeries(storage, {
    ...input,
    names,
    instances: page.rows.map((r) => r.instance),
  });
  const byInstance = new Map<string, ProcessSeries[]>();
  for (const s of series) {
    const list = byInstance.get(s.instance);
    if (list === undefined) byInstance.set(s.instance, [s]);
    else list.push(s);
  }
  return {
    instances: page.rows.map((r) =>
      instanceOf(r.instance, byInstance.get(r.instance) ?? [], r.restarts, r.errorLogs),
    ),
    nextCursor: page.nextCursor,
  };
}
