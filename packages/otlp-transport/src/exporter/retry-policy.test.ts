import { describe, expect, it } from 'vitest';
import { classifyStatus, defaultBackoff, parseRetryAfter, retryDelayMs } from './retry-policy.ts';

describe('retry policy', () => {
  it('delivers on 2xx, retries 429/502/503/504 and auth failures, rejects the rest for good', () => {
    expect([200, 202, 204].map(classifyStatus)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([429, 502, 503, 504, 401, 403].map(classifyStatus)).toEqual(Array(6).fill('retry'));
    expect([400, 404, 413, 415, 422, 500, 501, 301].map(classifyStatus)).toEqual(Array(8).fill('rejected'));
  });

  it('reads Retry-After as delta-seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0); // in the past: now
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });

  it('backs off exponentially with full jitter up to the cap', () => {
    const top = () => 0.999999;
    expect(retryDelayMs(0, undefined, defaultBackoff, top)).toBe(499);
    expect(retryDelayMs(3, undefined, defaultBackoff, top)).toBe(3999);
    expect(retryDelayMs(10, undefined, defaultBackoff, top)).toBe(29_999);
    expect(retryDelayMs(5000, undefined, defaultBackoff, top)).toBe(29_999);
    expect(retryDelayMs(4, undefined, defaultBackoff, () => 0)).toBe(0);
  });

  it('never retries before Retry-After, adds at most 10 % (≤ 1 s) of jitter, and caps what it honours', () => {
    expect(retryDelayMs(0, 2000, defaultBackoff, () => 0)).toBe(2000);
    expect(retryDelayMs(9, 2000, defaultBackoff, () => 0.999999)).toBe(2199);
    expect(retryDelayMs(0, 60_000, defaultBackoff, () => 0.999999)).toBe(60_999);
    expect(retryDelayMs(0, 3_600_000, defaultBackoff, () => 0)).toBe(defaultBackoff.maxRetryAfterMs);
  });
});
