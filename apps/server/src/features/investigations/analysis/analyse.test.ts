import type { HypothesisKind } from '@apo/shared/console';
import { describe, expect, it } from 'vitest';
import { analyse, dependencyClosure } from './analyse.ts';
import { chainSignals, type Fault, type FaultKind } from './signal-fixtures.ts';

const FROM = 30;

/** Each injected fault, on two services, and the hypothesis it must produce first. */
const CASES: { kind: FaultKind; expected: HypothesisKind; services: string[] }[] = [
  { kind: 'latency', expected: 'self-latency', services: ['payments', 'fraud'] },
  { kind: 'cpu', expected: 'cpu-saturation', services: ['orders', 'fraud'] },
  { kind: 'gc', expected: 'gc-pressure', services: ['payments', 'orders'] },
  { kind: 'disk', expected: 'disk-io', services: ['fraud', 'orders'] },
  { kind: 'pool', expected: 'connection-pool-exhaustion', services: ['orders', 'payments'] },
  { kind: 'db', expected: 'database-latency', services: ['payments', 'fraud'] },
  { kind: 'errors', expected: 'error-burst', services: ['fraud', 'payments'] },
  { kind: 'timeout', expected: 'dependency-timeout', services: ['orders', 'payments'] },
  { kind: 'crash', expected: 'crash-restarts', services: ['payments', 'fraud'] },
  { kind: 'deploy', expected: 'deployment', services: ['orders', 'fraud'] },
  { kind: 'lock', expected: 'lock-contention', services: ['payments', 'orders'] },
];

describe('analyse (generated call chain gateway → orders → payments → fraud)', () => {
  for (const c of CASES) {
    for (const service of c.services) {
      it(`${c.kind} in ${service}: first hypothesis is ${c.expected} on ${service}, onset at minute ${FROM}`, () => {
        const result = analyse(chainSignals({ service, kind: c.kind, from: FROM }));
        const top = result.hypotheses[0];
        expect({ kind: top?.kind, service: top?.service }).toEqual({ kind: c.expected, service });
        expect(top?.confidence).toBeGreaterThan(0.5);
        expect(result.onset).toBe(FROM);
      });
    }
  }

  it('the symptom is not the cause: asked about gateway, the slow database of payments comes first', () => {
    const signals = {
      ...chainSignals({ service: 'payments', kind: 'db', from: FROM }),
      symptom: { service: 'gateway' },
    };
    const result = analyse(signals);
    expect(result.symptom).toBe('gateway');
    expect(result.hypotheses[0]).toMatchObject({
      kind: 'database-latency',
      service: 'payments',
      target: 'sqlite payments',
      rank: 1,
    });
    // gateway only waits: no hypothesis puts the cause in it.
    expect(result.hypotheses.filter((h) => h.service === 'gateway')).toEqual([]);
    // Dependencies ranked by similarity: every one of them follows the slow payments (latency moves together).
    expect(result.dependencies.map((d) => d.service).sort()).toEqual(['fraud', 'orders', 'payments']);
    const payments = result.dependencies.find((d) => d.service === 'payments');
    expect(payments?.similarity).toBeGreaterThan(0.9);
    // fraud stays flat: least similar.
    expect(result.dependencies.at(-1)?.service).toBe('fraud');
  });

  it('a caller holding pool connections across a slow call waits for them too: the slow callee still comes first', () => {
    const signals = chainSignals({ service: 'payments', kind: 'db', from: FROM });
    const orders = signals.services.find((s) => s.service === 'orders');
    if (orders === undefined) throw new Error('no orders');
    // orders keeps its connection during the payment call: its own time and its pool waits rise a little.
    orders.serverMs = orders.serverMs.map((v, i) =>
      v === null || i < FROM ? v : v + 60 * (orders.requests[i] ?? 0),
    );
    const inst = orders.instances[0];
    if (inst === undefined) throw new Error('no instance');
    inst.poolWaitSeconds = inst.poolWaitSeconds.map((v, i) => (v === null || i < FROM ? v : v + 7));
    const result = analyse(signals);
    expect(result.hypotheses[0]).toMatchObject({ kind: 'database-latency', service: 'payments' });
    const pool = result.hypotheses.find((h) => h.kind === 'connection-pool-exhaustion');
    expect(pool?.confidence ?? 0).toBeLessThan(0.5);
  });

  it('a downstream timeout is placed on the caller, with the callee as target', () => {
    const result = analyse({
      ...chainSignals({ service: 'orders', kind: 'timeout', from: FROM }),
      symptom: { service: 'gateway' },
    });
    expect(result.hypotheses[0]).toMatchObject({
      kind: 'dependency-timeout',
      service: 'orders',
      target: 'payments',
    });
  });

  for (const service of ['payments', 'fraud']) {
    it(`a crash loop the agent never saw restart (${service}: no restart events) is named from its callers' refused calls`, () => {
      const signals = chainSignals({ service, kind: 'crash', from: FROM });
      for (const s of signals.services) s.events = [];
      const result = analyse(signals);
      expect(result.hypotheses[0]).toMatchObject({ kind: 'crash-restarts', service, rank: 1 });
      expect(result.hypotheses[0]?.confidence).toBeGreaterThan(0.5);
      expect(result.hypotheses[0]?.summary).toContain('70 % of them never reached it');
      // The caller only suffers: its failing calls are explained by the peer that stopped answering.
      const caller = result.hypotheses.find((h) => h.kind === 'dependency-errors');
      expect(caller?.confidence ?? 0).toBeLessThan(0.5);
    });
  }

  it('a crash loop burns start-up CPU and serves its first requests slowly: the restarts come first, not the CPU', () => {
    const signals = chainSignals({ service: 'fraud', kind: 'crash', from: FROM });
    const fraud = signals.services.find((s) => s.service === 'fraud');
    const inst = fraud?.instances[0];
    if (fraud === undefined || inst === undefined) throw new Error('no fraud');
    // Each start costs ~0.4 s of CPU (the live demo: two starts a minute under the supervisor's backoff),
    // and the cold process answers its few requests ~8× slower.
    inst.cpuSeconds = inst.cpuSeconds.map((v, i) => (v === null || i < FROM ? v : v + 0.8));
    fraud.serverMs = fraud.serverMs.map((v, i) => (v === null || i < FROM ? v : v * 8));
    fraud.p50Ms = fraud.p50Ms.map((v, i) => (v === null || i < FROM ? v : v * 8));
    // Early in the loop: one restart recorded so far (the agent records one when it sees the new process).
    fraud.events = fraud.events.slice(0, 1);
    const result = analyse(signals);
    expect(result.hypotheses[0]).toMatchObject({ kind: 'crash-restarts', service: 'fraud', rank: 1 });
    const cpu = result.hypotheses.find((h) => h.kind === 'cpu-saturation');
    expect(cpu?.confidence ?? 0).toBeLessThan(result.hypotheses[0]?.confidence ?? 0);
  });

  it('a service failing by itself aborts some of its calls in flight: its own error burst still comes first', () => {
    const signals = chainSignals({ service: 'orders', kind: 'errors', from: FROM });
    const orders = signals.services.find((s) => s.service === 'orders');
    const toPayments = orders?.calls.find((c) => c.peerService === 'payments');
    if (toPayments === undefined) throw new Error('no call to payments');
    // A tenth of orders' calls end in error when its own failure cuts them short (the live errors fault).
    toPayments.errors = toPayments.errors.map((e, i) =>
      i < FROM || e === null ? e : e + Math.round((toPayments.requests[i] ?? 0) * 0.1),
    );
    const result = analyse(signals);
    expect(result.hypotheses[0]).toMatchObject({ kind: 'error-burst', service: 'orders', rank: 1 });
    expect(result.hypotheses[0]?.confidence).toBeGreaterThan(0.5);
    const calls = result.hypotheses.find((h) => h.kind === 'dependency-errors');
    expect(calls?.confidence ?? 0).toBeLessThan(result.hypotheses[0]?.confidence ?? 0);
  });

  it('a partial fault (30 % of requests slow) is still found', () => {
    const result = analyse(chainSignals({ service: 'fraud', kind: 'latency', from: FROM, share: 0.3 }));
    // Its median barely moved: not every request waits, so no lock.
    expect(result.hypotheses[0]).toMatchObject({ kind: 'self-latency', service: 'fraud', rank: 1 });
    expect(result.hypotheses.find((h) => h.kind === 'lock-contention')).toBeUndefined();
  });

  it('nothing abnormal: no fault, no hypothesis above 0.5 (ten seeds)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const result = analyse(chainSignals(null, { seed }));
      const max = Math.max(0, ...result.hypotheses.map((h) => h.confidence));
      expect(max, `seed ${seed}`).toBeLessThanOrEqual(0.5);
    }
  });

  it('is deterministic: the same signals give the same answer', () => {
    const fault: Fault = { service: 'payments', kind: 'cpu', from: FROM };
    expect(analyse(chainSignals(fault))).toEqual(analyse(chainSignals(fault)));
  });

  it('evidence is renderable: series with one point per minute, the onset and the baseline marked', () => {
    const result = analyse(chainSignals({ service: 'payments', kind: 'cpu', from: FROM }));
    const series = result.hypotheses[0]?.evidence.find((e) => e.type === 'series');
    expect(series).toMatchObject({ type: 'series', unit: 'ms', onsetMs: Date.UTC(2026, 0, 5, 12, FROM) });
    if (series?.type !== 'series') throw new Error('no series');
    expect(series.points).toHaveLength(40);
    expect(series.baseline).toBeGreaterThan(0);
  });

  it('dependencyClosure follows caller → callee edges recursively', () => {
    const edges = [
      { from: 'a', to: 'b' },
      { from: 'b', to: 'c' },
      { from: 'x', to: 'a' },
    ];
    expect([...dependencyClosure('a', edges)].sort()).toEqual(['a', 'b', 'c']);
  });
});
