import { describe, expect, it } from 'vitest';
import { TailSampler, defaultSamplerOptions, type SamplerOptions, type SpanFacts } from './tail-sampler.ts';

const T0 = 1_700_000_000_000; // a minute boundary is irrelevant: tests stay within one minute or cross on purpose
const tid = (n: number) =>
  `${n.toString(16).padStart(24, '0')}${((n * 2654435761) % 0x1_0000_0000).toString(16).padStart(8, '0')}`;

function span(traceId: string, over: Partial<SpanFacts> = {}): SpanFacts {
  return { traceId, isError: false, entryEndpoint: 'shop GET /items', durationMs: 20, isRoot: true, ...over };
}

function sampler(over: Partial<SamplerOptions> = {}) {
  // A tiny budget so "everything under budget" does not hide the other rules, unless a test raises it.
  return new TailSampler({ ...defaultSamplerOptions, spanBudgetPerSecond: 0, ...over });
}

function finalAt(s: TailSampler, nowMs: number): Map<string, string | null> {
  s.decide(nowMs);
  return new Map(s.finalize(nowMs));
}

describe('TailSampler', () => {
  it('holds a trace until the hold ends, deciding locally at the decision window', () => {
    const s = sampler();
    expect(s.observe(span(tid(1), { isError: true }), T0)).toBeUndefined();
    expect(s.decide(T0 + 9_999)).toEqual([]);
    expect(s.decide(T0 + 10_000)).toEqual([tid(1)]);
    expect(s.finalize(T0 + 14_999)).toEqual([]);
    expect(s.finalize(T0 + 15_000)).toEqual([[tid(1), 'error']]);
  });

  it('keeps every error trace and every trace with an entry span over the 500 ms default threshold', () => {
    const s = sampler({ baselinePerEndpointPerMinute: 0 });
    s.observe(span(tid(1), { isError: true, isRoot: false }), T0);
    s.observe(span(tid(2), { durationMs: 501, isRoot: false }), T0);
    s.observe(span(tid(3), { durationMs: 499, isRoot: false }), T0);
    const final = finalAt(s, T0 + 15_000);
    expect(final.get(tid(1))).toBe('error');
    expect(final.get(tid(2))).toBe('slow');
    expect(final.get(tid(3))).toBeNull();
  });

  it('learns the threshold (P90 × 1.1) from the endpoint history', () => {
    const s = sampler({ baselinePerEndpointPerMinute: 0 });
    // 1000 spans at 40 ms: P90 inside the 25–50 ms bucket, × 1.1 ≈ 50 ms.
    for (let i = 0; i < 1000; i++) s.observe(span(tid(10_000 + i), { durationMs: 40, isRoot: false }), T0);
    s.finalize(T0 + 15_000);
    s.observe(span(tid(1), { durationMs: 120, isRoot: false }), T0 + 61_000);
    s.observe(span(tid(2), { durationMs: 45, isRoot: false }), T0 + 61_000);
    const final = finalAt(s, T0 + 76_000);
    expect(final.get(tid(1))).toBe('slow'); // far below the 500 ms default, above the learned threshold
    expect(final.get(tid(2))).toBeNull();
  });

  it('keeps one baseline trace per endpoint per minute, only where the root span is held', () => {
    const s = sampler();
    s.observe(span(tid(1), { isRoot: false }), T0); // not this agent's root: not a baseline candidate
    s.observe(span(tid(2)), T0);
    s.observe(span(tid(3)), T0);
    s.observe(span(tid(4), { entryEndpoint: 'shop POST /cart' }), T0);
    const final = finalAt(s, T0 + 15_000);
    expect(final.get(tid(1))).toBeNull();
    expect([final.get(tid(2)), final.get(tid(3))].filter((r) => r === 'baseline')).toHaveLength(1);
    expect(final.get(tid(4))).toBe('baseline');
    // The next minute has its own baseline.
    s.observe(span(tid(5)), T0 + 60_000);
    expect(finalAt(s, T0 + 75_000).get(tid(5))).toBe('baseline');
  });

  it('keeps everything under the span budget and a trace-id-hash share above it', () => {
    const under = sampler({ spanBudgetPerSecond: 1000, baselinePerEndpointPerMinute: 0 });
    for (let i = 0; i < 100; i++) under.observe(span(tid(i), { isRoot: false }), T0);
    const kept = [...finalAt(under, T0 + 15_000).values()];
    expect(kept.every((r) => r === 'budget')).toBe(true);

    const over = sampler({ spanBudgetPerSecond: 100, baselinePerEndpointPerMinute: 0 });
    // 9,000 spans in one second against a 30 s rate window: 300 spans/s, 3× the budget → keep ~1/3.
    for (let i = 0; i < 9_000; i++) over.observe(span(tid(i), { isRoot: false }), T0);
    over.decide(T0 + 10_000);
    const decisions = over.finalize(T0 + 15_000).map(([, reason]) => reason);
    const share = decisions.filter((r) => r === 'probability').length / decisions.length;
    expect(share).toBeGreaterThan(0.28);
    expect(share).toBeLessThan(0.39);
  });

  it('caps error and slow keeps per endpoint and counts what the cap dropped', () => {
    const s = sampler({ capPerEndpointPerSecond: 5, baselinePerEndpointPerMinute: 0 });
    for (let i = 0; i < 50; i++) s.observe(span(tid(i), { isError: true, isRoot: false }), T0);
    // All 50 are decided at the same instant, so exactly the bucket's one-second burst passes.
    s.decide(T0 + 10_000);
    const final = s.finalize(T0 + 15_000);
    expect(final.filter(([, r]) => r === 'error')).toHaveLength(5);
    expect(s.stats(T0 + 10_000).cappedError).toBe(45);
  });

  it('keeps a trace another agent kept, and reports late remote keeps it could not honour', () => {
    const s = sampler({ baselinePerEndpointPerMinute: 0 });
    s.observe(span(tid(1), { isRoot: false }), T0);
    s.observe(span(tid(2), { isRoot: false }), T0);
    s.addRemote([tid(1)]);
    const final = finalAt(s, T0 + 15_000);
    expect(final.get(tid(1))).toBe('remote');
    expect(final.get(tid(2))).toBeNull();
    s.addRemote([tid(2)]);
    expect(s.stats(T0 + 15_000).lateRemote).toBe(1);
  });

  it('answers late spans with the final decision; a late error keeps a dropped trace from then on', () => {
    const s = sampler({ baselinePerEndpointPerMinute: 0 });
    s.observe(span(tid(1), { isError: true, isRoot: false }), T0);
    s.observe(span(tid(2), { isRoot: false }), T0);
    finalAt(s, T0 + 15_000);
    expect(s.observe(span(tid(1), { isRoot: false }), T0 + 20_000)).toBe('error');
    expect(s.observe(span(tid(2), { isRoot: false }), T0 + 20_000)).toBeNull();
    expect(s.observe(span(tid(2), { isError: true, isRoot: false }), T0 + 21_000)).toBe('error');
  });

  it('decides early, oldest first, when more traces are held than allowed', () => {
    const s = sampler({ maxHeldTraces: 10, baselinePerEndpointPerMinute: 0 });
    for (let i = 0; i < 15; i++) s.observe(span(tid(i), { isRoot: false, isError: i < 2 }), T0 + i);
    const early = s.finalize(T0 + 20);
    expect(early.map(([id]) => id)).toEqual([0, 1, 2, 3, 4].map(tid));
    expect(early[0]![1]).toBe('error');
    expect(s.stats(T0 + 20).held).toBe(10);
  });
});

describe('TailSampler.finalizeNow', () => {
  it('decides the given held traces at once with the usual rules, counting them as forced early', () => {
    const s = new TailSampler({
      ...defaultSamplerOptions,
      spanBudgetPerSecond: 0,
      baselinePerEndpointPerMinute: 0,
    });
    s.observe(span(tid(1), { isError: true, isRoot: false }), T0);
    s.observe(span(tid(2), { isRoot: false }), T0);
    expect(s.finalizeNow([tid(1), tid(2), tid(3)], T0 + 1)).toEqual([
      [tid(1), 'error'],
      [tid(2), null],
    ]);
    expect(s.stats(T0 + 1)).toMatchObject({ held: 0, forcedEarly: 2 });
    expect(s.finalize(T0 + 60_000)).toEqual([]);
  });
});
