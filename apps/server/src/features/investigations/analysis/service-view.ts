/**
 * One service's signals seen from the onset: its derived curves (latency, error rate, self time), and how
 * far each curve, client call and instance resource moved from its baseline. The checks read these.
 */
import { selfTimeSeries } from './delay-source.ts';
import { instanceBreakdown, type InstanceBreakdown } from './instance-breakdown.ts';
import { shiftAt, type OnsetOptions, type Shift } from './onset.ts';
import type { CallSignals, InstanceSignals, ServiceSignals } from './signals.ts';
import { ratioSeries, type Series } from './stats.ts';

/** Detection floors per kind of curve (docs/investigations.md, "thresholds"). */
export const LATENCY_OPTIONS: OnsetOptions = { minAbsolute: 10, minRelative: 0.3, z: 4 };
export const ERROR_RATE_OPTIONS: OnsetOptions = { minAbsolute: 0.03, minRelative: 0.5, z: 4 };
const RESOURCE_OPTIONS: OnsetOptions = { minRelative: 0.5, z: 4 };
/**
 * A fast service (a few ms a request) can be hurt by a fault that multiplies its time and still stay
 * under the 10 ms floor (live: disk I/O in inventory, 1.3 → 6–8 ms). For its own time the floors are then
 * a doubling and 3 ms — but only while one of its own resources rose strongly with it
 * (`ownResourceRose`): alone, a few ms more are the noise of a busy machine.
 */
export const FAST_LATENCY_OPTIONS: OnsetOptions = { minAbsolute: 3, minRelative: 1, z: 4 };
/** How strong a resource's rise must be to vouch for a small rise in a fast service's own time. */
const VOUCHES = 0.5;
/** …and how much more it must have risen than the requests did (per request, ×). */
const PER_REQUEST_RISE = 2;

export interface CallView {
  call: CallSignals;
  latency: (number | null)[];
  errorRate: (number | null)[];
  latShift: Shift | null;
  errShift: Shift | null;
}

export interface ResourceView {
  inst: InstanceSignals;
  breakdown: InstanceBreakdown | null;
  cpu: Shift | null;
  runQueue: Shift | null;
  gc: Shift | null;
  diskWrite: Shift | null;
  blkio: Shift | null;
  rss: Shift | null;
  poolWait: Shift | null;
  poolPending: Shift | null;
  eventLoop: Shift | null;
}

export interface ServiceView {
  s: ServiceSignals;
  latency: (number | null)[];
  errorRate: (number | null)[];
  self: (number | null)[];
  latShift: Shift | null;
  errShift: Shift | null;
  selfShift: Shift | null;
  p50Shift: Shift | null;
  logShift: Shift | null;
  calls: CallView[];
  resources: ResourceView[];
}

const at = (values: Series, onset: number | null, o: OnsetOptions): Shift | null =>
  onset === null ? null : shiftAt(values, onset, o);

function callView(call: CallSignals, onset: number | null): CallView {
  const latency = ratioSeries(call.durationMs, call.requests);
  const errorRate = ratioSeries(call.errors, call.requests);
  return {
    call,
    latency,
    errorRate,
    latShift: at(latency, onset, { ...LATENCY_OPTIONS, minAbsolute: call.callType === 'db' ? 3 : 10 }),
    errShift: at(errorRate, onset, ERROR_RATE_OPTIONS),
  };
}

export function resourceView(inst: InstanceSignals, onset: number | null): ResourceView {
  return {
    inst,
    breakdown: onset === null ? null : instanceBreakdown(inst, onset),
    cpu: at(inst.cpuSeconds, onset, { ...RESOURCE_OPTIONS, minAbsolute: 1 }),
    runQueue: at(inst.runQueueSeconds, onset, { ...RESOURCE_OPTIONS, minAbsolute: 1 }),
    // GC's floor is low: at a few requests a minute, pauses of a retained heap add tens of ms to each
    // request while the minute's GC total stays near 0.1 s (live: gc-pressure in fraud at the shop's night,
    // 0.02 → 0.08–0.15 s). Where the time rose, a GC rise must still explain a share of it (checks.ts).
    gc: at(inst.gcSeconds, onset, { ...RESOURCE_OPTIONS, minAbsolute: 0.03 }),
    diskWrite: at(inst.diskWriteBytes, onset, {
      ...RESOURCE_OPTIONS,
      minRelative: 1,
      minAbsolute: 8 * 1024 * 1024,
    }),
    blkio: at(inst.blkioSeconds, onset, { ...RESOURCE_OPTIONS, minAbsolute: 0.5 }),
    rss: at(inst.rssBytes, onset, { ...RESOURCE_OPTIONS, minRelative: 0.3, minAbsolute: 32 * 1024 * 1024 }),
    poolWait: at(inst.poolWaitSeconds, onset, { ...RESOURCE_OPTIONS, minAbsolute: 0.1 }),
    poolPending: at(inst.poolPending, onset, { ...RESOURCE_OPTIONS, minAbsolute: 0.5 }),
    eventLoop: at(inst.eventLoopP99Ms, onset, { ...RESOURCE_OPTIONS, minAbsolute: 20 }),
  };
}

/**
 * Whether a resource the service itself uses rose strongly at `onset`, per request as well: CPU it burns,
 * disk writes or block-I/O wait, GC, connection-pool waits. Not the run-queue wait or the event loop: those
 * follow the machine's load and any slowdown. Per request, because the shop's day is 20 minutes long: at
 * its busy hour a service gets several times the requests, and its CPU with them.
 */
export function ownResourceRose(resources: readonly ResourceView[], onset: number | null): boolean {
  return resources.some((r) => {
    const load = onset === null ? null : shiftAt(r.inst.requests, onset, { minRelative: 0, z: 0 });
    const more = load === null || load.baseline <= 0 ? 1 : Math.max(1, load.after / load.baseline);
    return [r.cpu, r.diskWrite, r.blkio, r.gc, r.poolWait, r.poolPending].some(
      (x) =>
        x !== null &&
        x.strength >= VOUCHES &&
        (x.baseline <= 0 || x.after / x.baseline >= PER_REQUEST_RISE * more),
    );
  });
}

/** Self time's shift: by the usual floors, or by a fast service's when its own resource vouches for it. */
function selfShiftOf(self: Series, onset: number | null, resources: readonly ResourceView[]): Shift | null {
  const usual = at(self, onset, LATENCY_OPTIONS);
  if ((usual?.strength ?? 0) > 0 || !ownResourceRose(resources, onset)) return usual;
  const fast = at(self, onset, FAST_LATENCY_OPTIONS);
  return (fast?.strength ?? 0) > 0 ? fast : usual;
}

export function serviceView(s: ServiceSignals, onset: number | null): ServiceView {
  const latency = ratioSeries(s.serverMs, s.requests);
  const errorRate = ratioSeries(s.errors, s.requests);
  const self = selfTimeSeries({ requests: s.requests, serverMs: s.serverMs, clientMs: s.clientMs });
  const resources = s.instances.map((i) => resourceView(i, onset));
  return {
    s,
    latency,
    errorRate,
    self,
    latShift: at(latency, onset, LATENCY_OPTIONS),
    errShift: at(errorRate, onset, ERROR_RATE_OPTIONS),
    selfShift: selfShiftOf(self, onset, resources),
    p50Shift: at(s.p50Ms, onset, LATENCY_OPTIONS),
    logShift: at(s.logErrors, onset, { minAbsolute: 3, minRelative: 1, z: 4 }),
    calls: s.calls.map((c) => callView(c, onset)),
    resources,
  };
}

/** The strongest shift of a resource over the instances, with its instance. */
export function strongest(
  v: ServiceView,
  pick: (r: ResourceView) => Shift | null,
): { shift: Shift; instance: string; all: ResourceView } | null {
  let best: { shift: Shift; instance: string; all: ResourceView } | null = null;
  for (const r of v.resources) {
    const s = pick(r);
    if (s !== null && s.strength > 0 && (best === null || s.strength > best.shift.strength))
      best = { shift: s, instance: r.inst.instance, all: r };
  }
  return best;
}

/** How strongly a service itself degraded: the stronger of its latency and error-rate shifts. */
export function degradation(v: ServiceView): number {
  return Math.max(v.latShift?.strength ?? 0, v.errShift?.strength ?? 0);
}
