import { describe, expect, it } from 'vitest';
import { runInSlices } from './run-in-slices.ts';

/** A generator whose every step takes ~1 ms of busy work. */
function* busy(steps: number): Generator<number, string> {
  for (let i = 0; i < steps; i++) {
    const until = performance.now() + 1;
    while (performance.now() < until);
    yield i;
  }
  return 'done';
}

describe('run in slices', () => {
  it('gives the thread back between slices of about 30 ms and returns the result', async () => {
    let slices = 0;
    let timerRan = 0;
    const timer = setInterval(() => timerRan++, 0);
    const result = await runInSlices(busy(100), undefined, () => slices++);
    clearInterval(timer);
    expect(result).toBe('done');
    // 100 ms of work in ≤ 30 ms slices: at least 3 breaks, in which the page's other tasks ran.
    expect(slices).toBeGreaterThanOrEqual(3);
    expect(timerRan).toBeGreaterThanOrEqual(3);
  });

  it('stops when aborted', async () => {
    const ctl = new AbortController();
    const run = runInSlices(busy(1000), ctl.signal, () => ctl.abort());
    await expect(run).rejects.toThrow('stopped');
  });
});
