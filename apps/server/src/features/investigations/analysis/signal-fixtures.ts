/**
 * Generated signals for the analyses' tests: a call chain gateway → orders → payments → fraud, each with
 * its own database, steady traffic with seeded noise, and injected faults (none, one, or several one after
 * the other, each from a minute until it is cleared) whose effects follow
 * the demo shop's catalogue (examples/demo-shop/README.md): where the time goes, which resource rises,
 * which calls fail, which events appear. Deterministic for a seed.
 */
import type { InvestigationSignals, ServiceSignals } from './signals.ts';

export type FaultKind =
  'latency' | 'cpu' | 'gc' | 'disk' | 'pool' | 'db' | 'errors' | 'timeout' | 'crash' | 'deploy' | 'lock';

export interface Fault {
  service: string;
  kind: FaultKind;
  /** Minute index the fault starts at. */
  from: number;
  /** Minute index it was cleared at (default: it lasts to the end). */
  to?: number;
  /** Share of requests affected (default 1). */
  share?: number;
}

const CHAIN = ['gateway', 'orders', 'payments', 'fraud'] as const;
const SELF_MS: Record<string, number> = { gateway: 3, orders: 5, payments: 4, fraud: 6 };
const START_MS = Date.UTC(2026, 0, 5, 12, 0);
const MINUTE = 60_000;

/** mulberry32: small, seedable, good enough for noise. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Minute {
  requests: number;
  errors: number;
  latency: number;
  self: number;
  db: number;
  spread: number;
  /** Time the median request does not see: a slow path taken by a share of the requests. */
  p50Less: number;
}

export function chainSignals(
  injected: Fault | readonly Fault[] | null,
  o: { minutes?: number; seed?: number } = {},
): InvestigationSignals {
  const faults: readonly Fault[] = injected === null ? [] : 'kind' in injected ? [injected] : injected;
  const minutes = o.minutes ?? 40;
  const rand = rng(o.seed ?? 7);
  const noise = (x: number, pct = 0.1) => x * (1 + pct * (rand() * 2 - 1));
  const faultAt = (s: string, m: number, k: FaultKind) =>
    faults.find((f) => f.service === s && f.kind === k && m >= f.from && m < (f.to ?? Infinity));
  const active = (s: string, m: number, k: FaultKind) => faultAt(s, m, k) !== undefined;
  const shareOf = (s: string, m: number, k: FaultKind) => faultAt(s, m, k)?.share ?? 1;
  const per = new Map<string, Minute[]>(CHAIN.map((s) => [s, []]));
  const calls = new Map<string, { n: number; errors: number; ms: number }[]>(CHAIN.map((s) => [s, []]));
  for (let m = 0; m < minutes; m++) {
    let requests = Math.round(noise(120, 0.15));
    const rows: Minute[] = [];
    for (const s of CHAIN) {
      // A crashing service is down most of the time: it serves a fraction of what it is sent.
      if (active(s, m, 'crash')) requests = Math.round(requests * 0.3);
      let self = noise(SELF_MS[s] ?? 4);
      let spread = 2;
      let p50Less = 0;
      if (active(s, m, 'latency')) {
        const share = shareOf(s, m, 'latency');
        const added = share * noise(500, 0.2);
        self += added;
        spread = share < 1 ? 30 : 1.3;
        // With a share of requests slow, the median is mostly one of the fast ones; at a few requests a
        // minute some minutes' medians are slow ones (live, inventory at 30 %: the median rose ~15 ms).
        if (share < 1) p50Less = 0.85 * added;
      }
      if (active(s, m, 'cpu')) self += shareOf(s, m, 'cpu') * noise(120);
      if (active(s, m, 'gc')) self += noise(40, 0.4);
      if (active(s, m, 'disk')) self += noise(60, 0.3);
      if (active(s, m, 'pool')) self += noise(150, 0.3);
      if (active(s, m, 'lock')) {
        self += noise(300, 0.3);
        spread = 3;
      }
      const db = noise(1) + (active(s, m, 'db') ? noise(200, 0.05) : 0);
      let errors = Math.round(requests * noise(0.005, 1));
      if (active(s, m, 'errors') || active(s, m, 'deploy'))
        errors += Math.round(requests * (active(s, m, 'deploy') ? 0.4 : 0.3 * shareOf(s, m, 'errors')));
      rows.push({ requests, errors, latency: self + 2 * db, self, db, spread, p50Less });
      // Calls that hang never reach the callee.
      if (active(s, m, 'timeout')) requests = 0;
    }
    // Latency and errors flow up the chain: each caller waits for its callee and fails with it.
    for (let i = CHAIN.length - 1; i >= 0; i--) {
      const s = CHAIN[i] ?? 'gateway';
      const row = rows[i];
      const child = rows[i + 1];
      if (row === undefined) continue;
      let call = { n: 0, errors: 0, ms: 0 };
      if (child !== undefined) {
        if (active(s, m, 'timeout'))
          call = { n: row.requests, errors: row.requests, ms: row.requests * noise(2000, 0.02) };
        else if (active(CHAIN[i + 1] ?? '', m, 'crash'))
          call = {
            n: row.requests,
            errors: Math.round(row.requests * 0.7),
            ms: child.requests * (child.latency + 1) + (row.requests - child.requests) * 2,
          };
        else call = { n: child.requests, errors: child.errors, ms: child.requests * (child.latency + 1) };
        row.latency += call.ms / Math.max(1, row.requests);
        row.p50Less += child.p50Less;
        row.errors = Math.min(row.requests, row.errors + call.errors);
      }
      calls.get(s)?.push(call);
      per.get(s)?.push(row);
    }
  }
  const services = CHAIN.map((s, i): ServiceSignals => {
    const rows = per.get(s) ?? [];
    const c = calls.get(s) ?? [];
    const req = rows.map((r) => (r.requests === 0 ? null : r.requests));
    const series = (f: (r: Minute, m: number) => number) =>
      rows.map((r, m) => (r.requests === 0 ? null : f(r, m)));
    const next = CHAIN[i + 1];
    const mine = (k: FaultKind) => faults.filter((f) => f.kind === k && f.service === s);
    const restarts = mine('crash').flatMap((f) =>
      Array.from({ length: Math.min(minutes, f.to ?? minutes) - f.from }, (_, k) => ({
        ts: START_MS + (f.from + k) * MINUTE + 5_000,
        name: 'process.restart',
        instance: `${s}-1`,
        detail: 'exit code 1',
      })),
    );
    // A cleared bad deploy is rolled back: a second version change, to the old version.
    const deploys = mine('deploy')
      .flatMap((f) => [
        { ts: START_MS + f.from * MINUTE - 20_000, previousVersion: '1.0.0', version: '1.1.0' },
        ...(f.to === undefined
          ? []
          : [{ ts: START_MS + f.to * MINUTE + 5_000, previousVersion: '1.1.0', version: '1.0.0' }]),
      ])
      .map((e) => ({
        ...e,
        name: 'service.version.change',
        instance: `${s}-1`,
        detail: `${e.previousVersion} → ${e.version}`,
      }));
    return {
      service: s,
      requests: req,
      errors: series((r) => r.errors),
      serverMs: series((r) => r.latency * r.requests),
      clientMs: series((r, m) => 2 * r.db * r.requests + (c[m]?.ms ?? 0)),
      p50Ms: series((r) => r.latency - r.p50Less),
      p99Ms: series((r) => r.latency * r.spread),
      calls: [
        {
          callType: 'db',
          peer: `sqlite ${s}`,
          peerService: null,
          label: `sqlite ${s}`,
          requests: series((r) => 2 * r.requests),
          errors: series(() => 0),
          durationMs: series((r) => 2 * r.db * r.requests),
        },
        ...(next === undefined
          ? []
          : [
              {
                callType: 'http',
                peer: `127.0.0.1:${18080 + i + 1}`,
                peerService: next,
                label: next,
                requests: c.map((x) => x.n),
                errors: c.map((x) => x.errors),
                durationMs: c.map((x) => x.ms),
              },
            ]),
      ],
      instances: [
        {
          instance: `${s}-1`,
          requests: req,
          cpuSeconds: series(
            (r, m) =>
              noise(r.requests * 0.004) +
              (active(s, m, 'cpu') ? r.requests * 0.12 * shareOf(s, m, 'cpu') : 0) +
              (active(s, m, 'gc') ? r.requests * 0.03 : 0),
          ),
          runQueueSeconds: series(() => noise(0.05, 0.5)),
          blkioSeconds: series((r, m) => noise(0.01, 0.5) + (active(s, m, 'disk') ? r.requests * 0.05 : 0)),
          diskWriteBytes: series(
            (r, m) => noise(1e6, 0.3) + (active(s, m, 'disk') ? r.requests * 16 * 65536 : 0),
          ),
          diskReadBytes: series(() => noise(1e5, 0.3)),
          rssBytes: series((_, m) => noise(120e6, 0.03) + (active(s, m, 'gc') ? 96e6 : 0)),
          gcSeconds: series(
            (r, m) => noise(r.requests * 0.0002) + (active(s, m, 'gc') ? r.requests * 0.03 : 0),
          ),
          eventLoopP99Ms: series((_, m) => noise(12, 0.2) + (active(s, m, 'cpu') ? 120 : 0)),
          poolWaitSeconds: series(
            (r, m) => noise(0.01, 0.5) + (active(s, m, 'pool') ? r.requests * 0.15 : 0),
          ),
          poolPending: series((_, m) => (active(s, m, 'pool') ? noise(4, 0.3) : 0)),
        },
      ],
      logErrors: series((r) => r.errors),
      logPatterns: [],
      events: [...deploys, ...restarts],
    };
  });
  const edges = CHAIN.slice(1).map((to, i) => ({ from: CHAIN[i] ?? 'gateway', to }));
  return { startMs: START_MS, minutes, rangeStartIndex: 0, symptom: null, services, edges };
}
