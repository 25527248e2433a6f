import { describe, expect, it } from 'vitest';
import { RED_BUCKET_COUNT } from '@apo/shared/red';
import { buildImpact } from './investigation-impact.ts';
import type { EndpointMinute } from './investigation-queries.ts';
import type { LogMinute, ServerMinute } from './minute-rows.ts';

const MINUTE = 60_000;
const START = 1_700_000_000_000 - (1_700_000_000_000 % MINUTE);
const MINUTES = 20;
const ONSET = 12;

/** `POST /pay` goes from 40 ms to 400 ms at the onset with 10 % errors; `GET /health` stays at 2 ms. */
function endpointRows(): EndpointMinute[] {
  const rows: EndpointMinute[] = [];
  for (let m = 0; m < MINUTES; m++) {
    const minute_s = (START + m * MINUTE) / 1000;
    const hit = m >= ONSET;
    const jitter = 1 + 0.03 * Math.sin(m);
    rows.push({
      endpoint: 'POST /pay',
      minute_s,
      requests: 100,
      failed: hit ? 10 : 0,
      sum_ms: 100 * (hit ? 400 : 40) * jitter,
    });
    rows.push({ endpoint: 'GET /health', minute_s, requests: 6, failed: 0, sum_ms: 6 * 2 * jitter });
  }
  return rows;
}

function serverRows(): ServerMinute[] {
  return Array.from({ length: MINUTES }, (_, m) => {
    const buckets = Array.from({ length: RED_BUCKET_COUNT }, () => 0);
    buckets[m >= ONSET ? 8 : 5] = 100; // (250, 500] ms, else (25, 50]
    return {
      service: 'shop',
      instance: 'shop-1',
      minute_s: (START + m * MINUTE) / 1000,
      hit: 0,
      requests: 100,
      failed: m >= ONSET ? 10 : 0,
      sum_ms: 0,
      buckets,
    };
  });
}

const logs: LogMinute[] = [
  {
    service: 'shop',
    pattern: 'payment failed',
    minute_s: (START + ONSET * MINUTE) / 1000,
    records: 7,
    sample_ms: START + ONSET * MINUTE,
    sample_instance: 'shop-1',
    sample_severity: 'ERROR',
    sample_body: 'payment failed',
    sample_trace_id: '',
  },
  {
    service: 'other',
    pattern: 'x',
    minute_s: START / 1000,
    records: 99,
    sample_ms: START,
    sample_instance: 'other-1',
    sample_severity: 'ERROR',
    sample_body: 'x',
    sample_trace_id: '',
  },
];

describe('impact', () => {
  const frame = { startMs: START, minutes: MINUTES, onset: ONSET };
  const rows = { server: serverRows(), logs, endpoints: endpointRows() };

  it('lists the degraded endpoint first, with its figures before and since the onset and its own onset', () => {
    const impact = buildImpact(frame, { service: 'shop', endpoint: null }, rows);
    expect(impact.endpoints.map((e) => [e.endpoint, e.degraded, e.requests])).toEqual([
      ['POST /pay', true, 2000],
      ['GET /health', false, 120],
    ]);
    const [pay] = impact.endpoints;
    expect(pay?.onsetMs).toBe(START + ONSET * MINUTE);
    expect(pay?.latencyBefore).toBeCloseTo(40, -1);
    expect(pay?.latencyAfter).toBeCloseTo(400, -1);
    expect([pay?.errorRateBefore, pay?.errorRateAfter]).toEqual([0, 0.1]);
  });

  it("draws the symptom's timeline per minute: p90 from the buckets, error rate, its own error logs", () => {
    const { timeline } = buildImpact(frame, { service: 'shop', endpoint: null }, rows);
    expect(timeline.latencyP90Ms).toHaveLength(MINUTES);
    expect(timeline.latencyP90Ms[ONSET - 1]?.[1]).toBeCloseTo(47.5, 6);
    expect(timeline.latencyP90Ms[ONSET]?.[1]).toBeCloseTo(475, 6);
    expect(timeline.errorRate[ONSET]).toEqual([START + ONSET * MINUTE, 0.1]);
    // Its own error logs only; 0 in the other minutes with requests.
    expect(timeline.logErrors.filter(([, v]) => v !== 0)).toEqual([[START + ONSET * MINUTE, 7]]);
    expect(timeline.logErrors.every(([, v]) => v !== null)).toBe(true);
  });

  it('narrowed to an endpoint, only that one; with no onset nothing counts as degraded', () => {
    const asked = buildImpact(frame, { service: 'shop', endpoint: 'GET /health' }, rows);
    expect(asked.endpoints.map((e) => e.endpoint)).toEqual(['GET /health']);
    const calm = buildImpact(
      { ...frame, onset: null },
      { service: 'shop', endpoint: null },
      { ...rows, endpoints: rows.endpoints.filter((r) => r.endpoint === 'GET /health') },
    );
    expect(calm.endpoints).toMatchObject([{ endpoint: 'GET /health', degraded: false, onsetMs: null }]);
  });
});
