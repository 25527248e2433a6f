import { describe, expect, it } from 'vitest';
import { collectInSlices, runInSlices } from './run-in-slices.ts';

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

  it('collects text pieces in order, joined per slice', async () => {
    function* pieces(): Generator<string, void> {
      for (let i = 0; i < 1000; i++) yield `${i},`;
    }
    const counts: number[] = [];
    const parts = await collectInSlices(pieces(), undefined, (n) => counts.push(n));
    expect(parts.join('')).toBe(Array.from({ length: 1000 }, (_, i) => `${i},`).join(''));
    expect(parts.length).toBe(4);
  });
});
