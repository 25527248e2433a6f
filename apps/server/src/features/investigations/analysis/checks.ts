/**
 * The checks, in the spirit of Coroot's: each looks at one service seen from the onset and proposes
 * hypotheses of a kind from the vocabulary, with a confidence and its evidence. docs/investigations.md
 * documents, per kind, the evidence needed and the confidence formula implemented here. A root cause is
 * a state change or a saturated resource: a check fires on the service whose own time, own errors, own
 * resource or own change moved, never on one that only waits for another.
 */
import { databaseChecks, dependencyChecks } from './call-checks.ts';
import { changeChecks } from './change-checks.ts';
import {
  hypothesis,
  latencyEvidence,
  restartsAfter,
  sqrt,
  type Candidate,
  type CheckContext,
} from './check-context.ts';
import { describeRise, fmt, seriesEvidence } from './evidence.ts';
import type { Shift } from './onset.ts';
import { strongest, type ResourceView, type ServiceView } from './service-view.ts';
import { delayChange } from './delay-source.ts';
import { clamp01, median, present } from './stats.ts';

export type { Candidate } from './check-context.ts';

function resourceEvidence(
  c: CheckContext,
  v: ServiceView,
  r: ResourceView,
  title: string,
  measure: string,
  unit: string,
  values: readonly (number | null)[],
  s: Shift,
) {
  return seriesEvidence(
    c.t,
    `${v.s.service} ${title}`,
    unit,
    { source: 'metrics', service: v.s.service, instance: r.inst.instance, measure },
    values,
    s,
  );
}

/** Below this share of the new self time, a CPU or GC rise does not count (shareExplained). */
const MIN_RESOURCE_SHARE = 0.2;
const rise = (s: Shift | null) => (s === null ? 0 : Math.max(0, s.after - s.baseline));

/**
 * Of the self time a service gained per minute since the onset, the share that `seconds` more of a
 * resource per minute on the instance accounts for, 0…1; half of it is enough for 1. CPU, run-queue waits
 * and GC also rise with traffic, with other processes' load and with requests that wait longer: a rise
 * that covers a tiny part of a large slowdown is a bystander, not the cause (live: a code path that sleeps
 * 500 ms beside a run-queue wait 2.8 → 4.3 s a minute; a lock whose queued requests kept their memory
 * alive, GC 0.02 → 0.3 s a minute beside ~300 ms more per request).
 */
function shareExplained(v: ServiceView, r: ResourceView, seconds: number, onset: number): number {
  const requests = median(present(r.inst.requests.slice(onset))) ?? 0;
  const gainedSeconds = (rise(v.selfShift) * requests) / 1000;
  if (gainedSeconds <= 0) return 1;
  return clamp01(seconds / gainedSeconds / 0.5);
}

/**
 * The run-queue wait's rise, when it is the service's: a process starved of CPU stalls its event loop
 * too, one whose requests sleep or wait on I/O does not. Where the event loop is measured and did not
 * rise, the wait is the machine's load (live: `latency` in payments at the shop's night, 10-odd requests a
 * minute 4 → 551 ms, run-queue wait 2.7 → 6.2 s a minute, CPU and event loop flat).
 */
function waitedForCpu(r: ResourceView): Shift | null {
  return r.eventLoop === null || r.eventLoop.strength > 0 ? r.runQueue : null;
}

/** Own latency: self time rose; the resource that rose with it names the kind. */
function latencyChecks(v: ServiceView, c: CheckContext): Candidate[] {
  const self = v.selfShift;
  if (self === null || self.strength === 0) return [];
  // Of the latency's rise, the part that is the service's own time: a caller whose slower callee holds
  // its connections or threads longer also gains self time (pool waits), but less than it gains waiting.
  const change = delayChange(
    { requests: v.s.requests, serverMs: v.s.serverMs, clientMs: v.s.clientMs },
    c.t.onset ?? 0,
  );
  const ownShare = clamp01(((change?.selfShareOfIncrease ?? 1) - 0.2) / 0.6);
  // A process that keeps restarting pays its start-up (module loading, a cold JIT, empty caches) again and
  // again: its CPU and its first requests' time rise because of the restarts, which crash-restarts names.
  const restarting = restartsAfter(v, c).length > 0 ? 0.5 : 1;
  const base = self.strength * c.attribution * ownShare * restarting;
  const name = v.s.service;
  const out: Candidate[] = [];
  const ev = latencyEvidence(c, v);
  const selfText = `${name}'s own time per request rose ${describeRise(self)} (${fmt(self.baseline, 'ms')} → ${fmt(self.after, 'ms')})`;
  const onset = c.t.onset ?? 0;
  const gcRise = strongest(v, (r) => r.gc);
  const gcShare = gcRise === null ? 0 : shareExplained(v, gcRise.all, rise(gcRise.shift), onset);
  // Like CPU below: GC that accounts for a small part of the new time is a bystander. Past that gate the
  // share does not weigh it: requests queue behind each pause, so GC that causes a slowdown accounts for
  // only a part of it directly (live: gc-pressure in catalog, GC 3.7 s a minute, a share of 0.7).
  const gc = gcShare >= MIN_RESOURCE_SHARE ? gcRise : null;
  const disk = strongest(v, (r) =>
    (r.diskWrite?.strength ?? 0) >= (r.blkio?.strength ?? 0) ? r.diskWrite : r.blkio,
  );
  const cpuRise = strongest(v, (r) =>
    (r.cpu?.strength ?? 0) >= (waitedForCpu(r)?.strength ?? 0) ? r.cpu : waitedForCpu(r),
  );
  const cpuShare =
    cpuRise === null
      ? 0
      : shareExplained(v, cpuRise.all, rise(cpuRise.all.cpu) + rise(waitedForCpu(cpuRise.all)), onset);
  // CPU that accounts for a small part of the new time is a bystander: it counts as no resource at all.
  const cpu = cpuShare >= MIN_RESOURCE_SHARE ? cpuRise : null;
  const pool = strongest(v, (r) =>
    (r.poolWait?.strength ?? 0) >= (r.poolPending?.strength ?? 0) ? r.poolWait : r.poolPending,
  );
  const rss = strongest(v, (r) => r.rss);
  if (cpu !== null) {
    // GC and fsync also burn CPU: when they rose too, they are the better explanation.
    const other = Math.max(gc?.shift.strength ?? 0, disk?.shift.strength ?? 0);
    const r = cpu.all;
    out.push(
      hypothesis(
        'cpu-saturation',
        v,
        sqrt(base, cpu.shift.strength * cpuShare) * (1 - 0.5 * other),
        `${selfText} while its CPU use rose ${describeRise(cpu.shift)} (instance ${cpu.instance}).`,
        [
          ...ev,
          resourceEvidence(
            c,
            v,
            r,
            'CPU seconds per minute',
            'process.cpu.time/min',
            's',
            r.inst.cpuSeconds,
            cpu.shift,
          ),
        ],
        { instance: cpu.instance },
      ),
    );
  }
  if (gc !== null) {
    const r = gc.all;
    out.push(
      hypothesis(
        'gc-pressure',
        v,
        sqrt(base, gc.shift.strength),
        `${selfText} while garbage collection time rose ${describeRise(gc.shift)} (instance ${gc.instance}).`,
        [
          ...ev,
          resourceEvidence(
            c,
            v,
            r,
            'GC seconds per minute',
            'v8js.gc.duration/min',
            's',
            r.inst.gcSeconds,
            gc.shift,
          ),
        ],
        { instance: gc.instance },
      ),
    );
  }
  if (disk !== null) {
    const r = disk.all;
    out.push(
      hypothesis(
        'disk-io',
        v,
        sqrt(base, disk.shift.strength),
        `${selfText} while its disk writes / I/O wait rose ${describeRise(disk.shift)} (instance ${disk.instance}).`,
        [
          ...ev,
          resourceEvidence(
            c,
            v,
            r,
            'disk bytes written per minute',
            'process.disk.io{write}/min',
            'By',
            r.inst.diskWriteBytes,
            disk.shift,
          ),
        ],
        { instance: disk.instance },
      ),
    );
  }
  if (pool !== null) {
    const r = pool.all;
    out.push(
      hypothesis(
        'connection-pool-exhaustion',
        v,
        sqrt(Math.max(base, (v.latShift?.strength ?? 0) * c.attribution * ownShare), pool.shift.strength),
        `Requests of ${name} wait for a database connection: pool wait rose ${describeRise(pool.shift)} while the statements stay fast.`,
        [
          ...ev,
          resourceEvidence(
            c,
            v,
            r,
            'connection wait seconds per minute',
            'db.client.connection.wait_time/min',
            's',
            r.inst.poolWaitSeconds,
            pool.shift,
          ),
        ],
        { instance: pool.instance },
      ),
    );
  }
  // Memory that grew while GC rose, even by a sliver of the slowdown, is the same story as that GC.
  if (rss !== null && gcRise === null) {
    const r = rss.all;
    out.push(
      hypothesis(
        'memory-pressure',
        v,
        0.9 * sqrt(base, rss.shift.strength),
        `${selfText} while its resident memory rose ${describeRise(rss.shift)}.`,
        [
          ...ev,
          resourceEvidence(
            c,
            v,
            r,
            'resident memory',
            'process.memory.usage',
            'By',
            r.inst.rssBytes,
            rss.shift,
          ),
        ],
        { instance: rss.instance },
      ),
    );
  }
  // A lock serialises requests: every request waits (the median moves about as much as the mean: recorded
  // 0.85–0.92 of it) and waits queue up, so the spread (p99 ÷ p50) stays wide; a fixed slow code path
  // moves the whole distribution and narrows it, and a slow path a share of requests take leaves the
  // median nearly where it was (recorded: 0.01 of the mean's rise; at a few requests a minute, more).
  const p50After = median(present(v.s.p50Ms.slice(c.t.onset ?? 0)));
  const p99After = median(present(v.s.p99Ms.slice(c.t.onset ?? 0)));
  const spread = p50After !== null && p99After !== null && p50After > 0 ? p99After / p50After : 0;
  const resourceQuiet = cpu === null && gc === null && disk === null && pool === null;
  // Requests in flight on average since the onset (Little's law: arrivals × time in the service).
  const inFlight = ((median(present(v.s.requests.slice(onset))) ?? 0) * (p50After ?? 0)) / 60_000;
  const everyRequestWaits = (v.p50Shift?.strength ?? 0) > 0 && rise(v.p50Shift) >= 0.5 * rise(self);
  if (resourceQuiet && everyRequestWaits && spread >= 2) {
    out.push(
      hypothesis(
        'lock-contention',
        v,
        0.85 * base,
        `${selfText} with a wide spread (p99 ${spread.toFixed(1)}× p50) and no resource busier: requests queue behind each other.`,
        [...ev],
      ),
    );
  } else if (resourceQuiet && everyRequestWaits && inFlight < 0.5) {
    // At a few requests a minute requests rarely overlap, so a lock each of them holds never queues: it
    // slows every request alike, as a slow code path does, and the two cannot be told apart (live: lock in
    // payments at the shop's night, 0.03 requests in flight, spread 1.4). The lock is the alternative.
    out.push(
      hypothesis(
        'lock-contention',
        v,
        0.5 * base,
        `${selfText} for every request alike, with ${inFlight.toFixed(2)} requests in flight on average: requests rarely overlap here, so a lock each one holds that long would look the same as a slow code path.`,
        [...ev],
      ),
    );
  }
  out.push(
    hypothesis(
      'self-latency',
      v,
      (resourceQuiet ? 0.8 : 0.5) * base,
      `${selfText}, not explained by its dependencies.`,
      [...ev],
    ),
  );
  return out;
}

export function runChecks(v: ServiceView, c: CheckContext): Candidate[] {
  return [
    ...latencyChecks(v, c),
    ...databaseChecks(v, c),
    ...dependencyChecks(v, c),
    ...changeChecks(v, c),
  ].filter((h) => h.confidence >= 0.05);
}
