import { describe, expect, it } from 'vitest';
import { SignInThrottle } from './sign-in-throttle.ts';

const settings = {
  userFailures: 5,
  addressFailures: 8,
  baseLockMs: 30_000,
  maxLockMs: 240_000,
  forgetAfterMs: 600_000,
};

describe('sign-in throttling', () => {
  it('locks a username out after 5 failures, then twice as long after each further one, up to the cap', () => {
    const throttle = new SignInThrottle(settings);
    let now = 1_000_000;
    for (let i = 0; i < 4; i++) throttle.failed('ana', `10.0.0.${i}`, now);
    expect(throttle.check('ana', '10.0.1.1', now)).toEqual({ allowed: true });
    throttle.failed('ana', '10.0.0.9', now);
    expect(throttle.check('ana', '10.0.1.1', now)).toEqual({
      allowed: false,
      by: 'user',
      retryAfterSeconds: 30,
    });
    expect(throttle.check('bob', '10.0.1.1', now)).toEqual({ allowed: true });

    now += 30_000;
    expect(throttle.check('ana', '10.0.1.1', now).allowed).toBe(true);
    const locks: number[] = [];
    for (let i = 0; i < 5; i++) {
      throttle.failed('ana', `10.0.2.${i}`, now);
      const verdict = throttle.check('ana', '10.0.3.1', now);
      locks.push(verdict.allowed ? 0 : verdict.retryAfterSeconds);
      now += verdict.allowed ? 0 : verdict.retryAfterSeconds * 1000;
    }
    expect(locks).toEqual([60, 120, 240, 240, 240]);
  });

  it('locks an address out after its own limit, whatever usernames it tries', () => {
    const throttle = new SignInThrottle(settings);
    const now = 5_000_000;
    for (let i = 0; i < 8; i++) throttle.failed(`user${i}`, '192.0.2.7', now);
    expect(throttle.check('someone-else', '192.0.2.7', now)).toMatchObject({ allowed: false, by: 'address' });
    expect(throttle.check('someone-else', '192.0.2.8', now)).toEqual({ allowed: true });
  });

  it('forgets after a success, and after a quiet period', () => {
    const throttle = new SignInThrottle(settings);
    let now = 0;
    for (let i = 0; i < 4; i++) throttle.failed('ana', '10.0.0.1', now);
    throttle.succeeded('ana', '10.0.0.1');
    throttle.failed('ana', '10.0.0.1', now);
    expect(throttle.check('ana', '10.0.0.1', now).allowed).toBe(true);
    for (let i = 0; i < 3; i++) throttle.failed('ana', '10.0.0.1', now);
    now += 600_001;
    throttle.failed('ana', '10.0.0.1', now);
    expect(throttle.check('ana', '10.0.0.1', now).allowed).toBe(true);
  });

  it('keeps a bounded number of entries', () => {
    const throttle = new SignInThrottle({ ...settings, maxEntries: 100 });
    for (let i = 0; i < 1000; i++) throttle.failed(`u${i}`, `a${i}`, 0);
    // The oldest are gone: u0 has no failures left to lock it out.
    for (let i = 0; i < 4; i++) throttle.failed('u0', 'fresh', 0);
    expect(throttle.check('u0', 'fresh', 0).allowed).toBe(true);
    for (let i = 0; i < 5; i++) throttle.failed('u999', 'a999', 0);
    expect(throttle.check('u999', 'elsewhere', 0).allowed).toBe(false);
  });
});
