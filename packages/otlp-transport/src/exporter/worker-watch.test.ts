import { describe, expect, it } from 'vitest';
import { StallWatch, workerStepStats, type WorkerSnapshot } from './worker-watch.ts';

const at = (step: WorkerSnapshot['step'], forMs: number): WorkerSnapshot => ({
  step,
  since: 0,
  forMs,
  ...(step === 'taking' ? {} : { batchId: `b-${forMs}` }),
});

describe('StallWatch', () => {
  const limits = { requestTimeoutMs: 30_000, graceMs: 10_000 };

  it('flags a worker sending past the request deadline plus the grace, not one within it', () => {
    const watch = new StallWatch(limits);
    const overdue = watch.overdue([at('sending', 39_000), at('sending', 41_000), at('taking', 1)], 0, 0);
    expect(overdue.map((w) => w.forMs)).toEqual([41_000]);
  });

  it('flags a worker acking (one sidecar write) for longer than the grace', () => {
    const watch = new StallWatch(limits);
    expect(watch.overdue([at('acking', 9_000)], 0, 0)).toEqual([]);
    expect(watch.overdue([at('acking', 11_000)], 0, 0)).toHaveLength(1);
  });

  it('never flags backing off or taking from an empty queue, however long', () => {
    const watch = new StallWatch(limits);
    expect(watch.overdue([at('backing_off', 600_000), at('taking', 600_000)], 0, 0)).toEqual([]);
    expect(watch.overdue([at('backing_off', 600_000), at('taking', 600_000)], 0, 60_000)).toEqual([]);
  });

  it('flags every worker taking while records waited unread for longer than the grace (a lost wake-up)', () => {
    const watch = new StallWatch(limits);
    const idle = [at('taking', 100_000), at('taking', 100_000)];
    expect(watch.overdue(idle, 5, 1_000)).toEqual([]); // records just arrived: the workers wake up now
    expect(watch.overdue(idle, 5, 9_000)).toEqual([]);
    expect(watch.overdue(idle, 5, 11_001)).toHaveLength(2);
    // Taken meanwhile: the clock starts again.
    expect(watch.overdue(idle, 0, 12_000)).toEqual([]);
    expect(watch.overdue(idle, 5, 13_000)).toEqual([]);
    // One worker busy: the others taking is normal.
    expect(watch.overdue([at('sending', 5), ...idle], 5, 60_000)).toEqual([]);
  });
});

describe('workerStepStats', () => {
  it('counts workers per step and keeps the longest time at each', () => {
    const stats = workerStepStats([at('sending', 5), at('sending', 700), at('taking', 3)]);
    expect(stats.sending).toEqual({ workers: 2, longestMs: 700 });
    expect(stats.taking).toEqual({ workers: 1, longestMs: 3 });
    expect(stats.acking).toEqual({ workers: 0, longestMs: 0 });
  });
});
