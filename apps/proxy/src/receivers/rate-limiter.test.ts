import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  it('lets a burst through, then refills at the rate, telling how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const limit = { itemsPerSecond: 100, burst: 300 };
    expect(limiter.take('a', 250, limit)).toBe(0);
    expect(limiter.take('a', 100, limit)).toBe(1); // 50 left, 100 needed: half a second, rounded up
    now += 500;
    expect(limiter.take('a', 100, limit)).toBe(0);
    expect(limiter.take('a', 250, limit)).toBe(3); // empty: 2.5 s
    // Another key has its own bucket.
    expect(limiter.take('b', 300, limit)).toBe(0);
  });

  it('lets a request larger than the bucket through when the bucket is full, leaving it in debt', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const limit = { itemsPerSecond: 10, burst: 0 }; // burst 0: one second's worth
    expect(limiter.take('a', 50, limit)).toBe(0);
    expect(limiter.take('a', 1, limit)).toBeGreaterThan(0);
    now += 5000; // the debt of 40 is paid, and the bucket is full again
    expect(limiter.take('a', 10, limit)).toBe(0);
  });

  it('does nothing without a rate, and gives back what a refused request took', () => {
    const limiter = new RateLimiter(() => 0);
    expect(limiter.take('a', 1e9, { itemsPerSecond: 0, burst: 0 })).toBe(0);
    const limit = { itemsPerSecond: 10, burst: 10 };
    expect(limiter.take('a', 10, limit)).toBe(0);
    limiter.refund('a', 10, limit);
    expect(limiter.take('a', 10, limit)).toBe(0);
  });
});
