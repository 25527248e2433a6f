import { describe, expect, it } from 'vitest';
import { delayChange, delaySource, dependencyShare, selfTimeSeries } from './delay-source.ts';

describe('delay source', () => {
  const requests = Array.from({ length: 20 }, () => 100);
  it('self time = (server − client) ÷ requests, never negative (parallel calls overlap)', () => {
    expect(
      selfTimeSeries({ requests: [10, 0, 10], serverMs: [500, 0, 100], clientMs: [300, 0, 400] }),
    ).toEqual([20, null, 0]);
  });

  it('dependency share over 50 % is "dependency", else "self"', () => {
    const d = { requests, serverMs: requests.map(() => 10_000), clientMs: requests.map(() => 8_000) };
    expect(dependencyShare(d)).toBeCloseTo(0.8);
    expect(delaySource(dependencyShare(d))).toBe('dependency');
    expect(delaySource(0.2)).toBe('self');
    expect(delaySource(null)).toBeNull();
  });

  it('splits a latency increase: a caller whose dependency slowed gains no self time', () => {
    const serverMs = requests.map((n, i) => n * (i >= 10 ? 120 : 20));
    const clientMs = requests.map((n, i) => n * (i >= 10 ? 115 : 15));
    const c = delayChange({ requests, serverMs, clientMs }, 10);
    expect(c).toMatchObject({
      latencyBefore: 20,
      latencyAfter: 120,
      selfBefore: 5,
      selfAfter: 5,
      selfShareOfIncrease: 0,
    });
    const own = delayChange({ requests, serverMs, clientMs: requests.map((n) => n * 15) }, 10);
    expect(own?.selfShareOfIncrease).toBe(1);
  });
});
