import type { InvestigationImpact, InvestigationResult } from '@apo/shared/console';
import { describe, expect, it } from 'vitest';
import { formatClock } from '../../ui/format/time.ts';
import {
  chartUnit,
  confidenceWord,
  describeAnswer,
  describeDependencies,
  describeImpact,
  describeTimeline,
  describeWindow,
  isCalm,
} from './explain.ts';
import { validateInvestigateSearch } from './investigate-search.ts';

const ONSET = 1_765_000_000_000;
const impact: InvestigationImpact = {
  service: 'storefront',
  endpoint: null,
  endpoints: [
    {
      endpoint: 'POST /order',
      requests: 4000,
      latencyBefore: 12,
      latencyAfter: 312,
      errorRateBefore: 0,
      errorRateAfter: 0,
      onsetMs: ONSET,
      degraded: true,
    },
    {
      endpoint: 'GET /health',
      requests: 40,
      latencyBefore: 1,
      latencyAfter: 1,
      errorRateBefore: 0,
      errorRateAfter: 0,
      onsetMs: null,
      degraded: false,
    },
  ],
  timeline: { latencyP90Ms: [], errorRate: [], logErrors: [] },
};
const result: InvestigationResult = {
  id: 'r',
  from: ONSET - 600_000,
  to: ONSET + 600_000,
  service: 'storefront',
  endpoint: null,
  onsetMs: ONSET,
  impact,
  dependencies: [{ service: 'payments', similarity: 0.98, delaySource: 'dependency' }],
  hypotheses: [
    {
      rank: 1,
      kind: 'database-latency',
      service: 'payments',
      target: 'postgresql ledger',
      confidence: 0.93,
      summary: 'ledger statements took ×75 longer.',
      evidence: [],
    },
  ],
};

describe('the wizard explains itself', () => {
  it('impact: which endpoints degraded, by how much, since when', () => {
    expect(describeImpact(impact, ONSET)).toBe(
      `1 of 2 endpoints of storefront degraded. POST /order: latency 12 ms → 312 ms (×26) since ${formatClock(ONSET)}.`,
    );
    const calm = { ...impact, endpoints: impact.endpoints.map((e) => ({ ...e, degraded: false })) };
    expect(describeImpact(calm, null)).toMatch(/^storefront's 2 endpoints kept their latency and error rate/);
    expect(describeImpact(null, null)).toMatch(/No service carried traffic/);
  });

  it('timeline and dependencies: the onset and the most similar dependency in words', () => {
    expect(describeTimeline(impact, ONSET)).toContain(`The onset is ${formatClock(ONSET)}`);
    expect(describeTimeline(impact, null)).toMatch(/^No onset/);
    expect(describeDependencies(result.dependencies, 'storefront')).toBe(
      "payments's latency / error curve moves most like storefront's (similarity 0.98, 1 = identical shape), and it mostly waits on its own dependencies.",
    );
    expect(
      describeDependencies([{ service: 'x', similarity: 0.1, delaySource: null }], 'storefront'),
    ).toMatch(/cause is more likely in the service itself/);
  });

  it('the answer: the top hypothesis with its confidence, or a calm "nothing abnormal"', () => {
    expect(describeAnswer(result)).toBe(
      'Most likely: slow database in payments → postgresql ledger (high confidence, 0.93). ledger statements took ×75 longer.',
    );
    const calm = { ...result, onsetMs: null, hypotheses: [{ ...result.hypotheses[0], confidence: 0.4 }] };
    expect(isCalm(calm as InvestigationResult)).toBe(true);
    expect(describeAnswer(calm as InvestigationResult)).toMatch(/^Nothing abnormal: /);
    expect([confidenceWord(0.93), confidenceWord(0.6), confidenceWord(0.5)]).toEqual([
      'high',
      'medium',
      'low',
    ]);
    expect([chartUnit('ms'), chartUnit('By'), chartUnit('s'), chartUnit('requests')]).toEqual([
      'ms',
      'bytes',
      's',
      'count',
    ]);
  });
});

describe('a window in words', () => {
  it("names the end's day only when it differs", () => {
    const day = describeWindow(ONSET, ONSET + 3_600_000);
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} → \d{2}:\d{2}$/);
    expect(describeWindow(ONSET, ONSET + 2 * 86_400_000)).toMatch(/ → \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });
});

describe('the investigation URL', () => {
  it('keeps what is valid: an endpoint only with its service, a 32-hex trace id, a known step', () => {
    expect(
      validateInvestigateSearch({
        service: ' storefront ',
        endpoint: 'POST /order',
        traceId: 'AB'.repeat(16),
        step: 'hypotheses',
        all: 'true',
      }),
    ).toEqual({
      service: 'storefront',
      endpoint: 'POST /order',
      traceId: 'ab'.repeat(16),
      step: 'hypotheses',
      all: true,
    });
    expect(validateInvestigateSearch({ endpoint: 'GET /', traceId: 'xyz', step: 'nope', saved: '' })).toEqual(
      {},
    );
  });
});
