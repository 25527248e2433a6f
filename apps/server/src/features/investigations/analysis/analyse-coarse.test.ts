import { describe, expect, it } from 'vitest';
import { analyse } from './analyse.ts';
import { chainSignals, type Fault } from './signal-fixtures.ts';
import type { InvestigationSignals } from './signals.ts';

type Series = (number | null)[];

// A day-long range reads its far past in 5-minute buckets and spreads each over its minutes
// (read-resolution.ts): the analysis must still find a fault that started there, and stay calm without one.

const DAY = 24 * 60 + 30; // the day and its 30-minute lookback
const LOOKBACK = 30;
const RECENT = 180; // the last 3 h stay per minute

/** Each 5 minutes of [LOOKBACK, DAY − RECENT) become their mean: what the coarse reads hand the analysis. */
function coarsen(xs: Series): Series {
  const out = xs.slice();
  for (let b = LOOKBACK; b + 5 <= DAY - RECENT; b += 5) {
    const present = xs.slice(b, b + 5).filter((v): v is number => v !== null);
    const mean = present.length === 0 ? null : present.reduce((a, v) => a + v, 0) / present.length;
    for (let i = b; i < b + 5; i++) out[i] = mean;
  }
  return out;
}

function coarseDay(signals: InvestigationSignals): InvestigationSignals {
  return {
    ...signals,
    rangeStartIndex: LOOKBACK,
    services: signals.services.map((s) => ({
      ...s,
      requests: coarsen(s.requests),
      errors: coarsen(s.errors),
      serverMs: coarsen(s.serverMs),
      clientMs: coarsen(s.clientMs),
      p50Ms: coarsen(s.p50Ms),
      p99Ms: coarsen(s.p99Ms),
      logErrors: coarsen(s.logErrors),
      calls: s.calls.map((c) => ({
        ...c,
        requests: coarsen(c.requests),
        errors: coarsen(c.errors),
        durationMs: coarsen(c.durationMs),
      })),
      instances: s.instances.map((inst) => ({
        ...inst,
        requests: coarsen(inst.requests),
        cpuSeconds: coarsen(inst.cpuSeconds),
        runQueueSeconds: coarsen(inst.runQueueSeconds),
        blkioSeconds: coarsen(inst.blkioSeconds),
        diskWriteBytes: coarsen(inst.diskWriteBytes),
        diskReadBytes: coarsen(inst.diskReadBytes),
        rssBytes: coarsen(inst.rssBytes),
        gcSeconds: coarsen(inst.gcSeconds),
        eventLoopP99Ms: coarsen(inst.eventLoopP99Ms),
        poolWaitSeconds: coarsen(inst.poolWaitSeconds),
        poolPending: coarsen(inst.poolPending),
      })),
    })),
  };
}

describe('analyse: a day whose far past is in 5-minute buckets', () => {
  const cases: [Fault['kind'], string, string][] = [
    ['db', 'payments', 'database-latency'],
    ['cpu', 'fraud', 'cpu-saturation'],
    ['latency', 'orders', 'self-latency'],
    ['errors', 'payments', 'error-burst'],
  ];
  for (const [kind, service, expected] of cases)
    it(`${kind} in ${service} from 6 h before the end: ${expected} first, onset within its bucket`, () => {
      const from = DAY - 360;
      const result = analyse(coarseDay(chainSignals({ service, kind, from }, { minutes: DAY })));
      expect(result.hypotheses[0]).toMatchObject({ kind: expected, service, rank: 1 });
      expect(Math.abs((result.onset ?? -100) - from)).toBeLessThanOrEqual(5);
    });

  it('a fault in the last hour, past the buckets: the same answer as read per minute', () => {
    const fault = { service: 'payments', kind: 'db', from: DAY - 20 } as const;
    const fine = analyse({ ...chainSignals(fault, { minutes: DAY }), rangeStartIndex: LOOKBACK });
    const coarse = analyse(coarseDay(chainSignals(fault, { minutes: DAY })));
    expect(coarse.onset).toBe(fine.onset);
    expect(coarse.hypotheses.map((h) => [h.kind, h.service])).toEqual(
      fine.hypotheses.map((h) => [h.kind, h.service]),
    );
  });

  it('a calm day stays calm: no onset, nothing above 0.5 (five seeds)', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const result = analyse(coarseDay(chainSignals(null, { minutes: DAY, seed })));
      expect(result.onset).toBeNull();
      expect(Math.max(0, ...result.hypotheses.map((h) => h.confidence))).toBeLessThanOrEqual(0.5);
    }
  });
});
