import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';
import { chainSignals, type Fault } from './signal-fixtures.ts';

/** The onset and the first three hypotheses as `kind@service confidence`. */
function answer(faults: Fault[] | null, minutes: number, seed?: number) {
  const result = analyse(chainSignals(faults, { minutes, seed }));
  return {
    onset: result.onset,
    top: result.hypotheses.slice(0, 3).map((h) => `${h.kind}@${h.service} ${h.confidence}`),
  };
}

// What the live stack test (tests/stack/demo-investigations.test.ts) and the accuracy benchmark do to the
// engine: a young stack with a few minutes of history, and faults injected one after the other.
describe('analyse: faults one after the other, on a young stack', () => {
  it('five minutes of history are a baseline, and two minutes of a strong fault are an answer', () => {
    expect(answer([{ service: 'payments', kind: 'db', from: 5 }], 7)).toEqual({
      onset: 5,
      top: ['database-latency@payments 1'],
    });
    // One minute of it, far past the threshold, is one too (the answer is wanted within two minutes).
    expect(answer([{ service: 'payments', kind: 'db', from: 5 }], 6).top).toEqual([
      'database-latency@payments 1',
    ]);
  });

  it('a fault cleared two minutes before the next: the one still going on is named, the cleared one not at all', () => {
    const faults: Fault[] = [
      { service: 'payments', kind: 'db', from: 5, to: 7 },
      { service: 'fraud', kind: 'cpu', from: 9 },
    ];
    expect(answer(faults, 11)).toEqual({
      onset: 9,
      top: ['cpu-saturation@fraud 1', 'self-latency@fraud 0.5'],
    });
  });

  it('the next fault starting the minute the first is cleared: the symptom’s episode began with the first, yet the fault still going on comes first', () => {
    // gateway is slow from minute 5 on without a normal minute between, so the onset is 5; payments'
    // statements are back to normal at the end, fraud still burns CPU.
    for (const seed of [1, 2, 3]) {
      const got = answer(
        [
          { service: 'payments', kind: 'db', from: 5, to: 7 },
          { service: 'fraud', kind: 'cpu', from: 7 },
        ],
        9,
        seed,
      );
      expect(got.onset, `seed ${seed}`).toBe(5);
      expect(got.top[0], `seed ${seed}`).toMatch(/^cpu-saturation@fraud 0\.99\d$/);
      // The cleared fault's anomaly ended: half its strength (ENDED_WEIGHT), below the 0.5 bar at most at it.
      expect(got.top[1], `seed ${seed}`).toBe('database-latency@payments 0.5');
    }
  });

  it('a new fault still small at the entry: the entry’s earlier episode, back to normal for a minute since, is not the onset', () => {
    // Live: db-slow in payments (minutes 5–6), a normal minute, then cpu in fraud at 8 — one request in
    // ten reaches fraud, so gateway's minute 8 is only a little slow: abnormal, but not yet an episode of
    // its own, while gateway's episode from 5 still counts three abnormal minutes of four.
    const signals = chainSignals(
      [
        { service: 'payments', kind: 'db', from: 5, to: 7 },
        { service: 'fraud', kind: 'cpu', from: 8 },
      ],
      { minutes: 9 },
    );
    const gateway = signals.services.find((s) => s.service === 'gateway');
    if (gateway === undefined) throw new Error('no gateway');
    const latency = (m: number) => (gateway.serverMs[m] ?? 0) / (gateway.requests[m] ?? 1);
    const base = [0, 1, 2, 3, 4].map(latency).sort((a, b) => a - b)[2] ?? 0;
    gateway.serverMs[8] = (gateway.requests[8] ?? 0) * (base + 16);
    const result = analyse(signals);
    expect(result.onset).toBe(8);
    expect(result.symptom).toBe('gateway');
    expect(result.hypotheses.slice(0, 2).map((h) => `${h.kind}@${h.service} ${h.confidence}`)).toEqual([
      'cpu-saturation@fraud 1',
      'self-latency@fraud 0.5',
    ]);
  });

  it('a fault that filled most of the baseline hour does not hide the next one (contaminated history)', () => {
    // fraud slow for 23 of the 35 minutes before payments slows: every caller's hour median is fraud's level.
    expect(
      answer(
        [
          { service: 'fraud', kind: 'latency', from: 2, to: 25 },
          { service: 'payments', kind: 'latency', from: 35 },
        ],
        40,
      ),
    ).toEqual({ onset: 35, top: ['self-latency@payments 0.8'] });
  });

  it('a bad deploy rolled back before the next fault: the rollback is not a deployment', () => {
    expect(
      answer(
        [
          { service: 'payments', kind: 'deploy', from: 5, to: 8 },
          { service: 'orders', kind: 'pool', from: 10 },
        ],
        12,
      ),
    ).toEqual({ onset: 10, top: ['connection-pool-exhaustion@orders 1', 'self-latency@orders 0.5'] });
  });

  it('after a fault has been cleared and the shop recovered, nothing is named (no hypothesis at all)', () => {
    expect(answer([{ service: 'payments', kind: 'db', from: 5, to: 8 }], 15)).toEqual({
      onset: null,
      top: [],
    });
  });

  it('no fault: nothing above 0.5 on a young stack or over an hour (40 seeds each)', () => {
    for (const minutes of [6, 12, 60]) {
      for (let seed = 1; seed <= 40; seed++) {
        const result = analyse(chainSignals(null, { minutes, seed }));
        const max = Math.max(0, ...result.hypotheses.map((h) => h.confidence));
        expect(max, `${minutes} minutes, seed ${seed}`).toBeLessThanOrEqual(0.5);
      }
    }
  });
});
