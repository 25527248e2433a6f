/**
 * What each export worker is doing and since when, and a watchdog that says so in the log when one of them
 * has been at a step longer than that step can take. A stalled export is then self-explaining: the line
 * names the step (sending, acking, …), the batch, how long, and the state of the HTTP agent and the queue,
 * instead of only "16 in flight" in /metrics.
 */
export type WorkerStep = 'taking' | 'sending' | 'acking' | 'backing_off' | 'stopped';

export const WORKER_STEPS: readonly WorkerStep[] = ['taking', 'sending', 'acking', 'backing_off', 'stopped'];

/** Per step: how many workers are at it, and the longest any of them has been (for /metrics). */
export type WorkerStepStats = Record<WorkerStep, { workers: number; longestMs: number }>;

export function workerStepStats(workers: readonly WorkerSnapshot[]): WorkerStepStats {
  const none = () => ({ workers: 0, longestMs: 0 });
  const stats: WorkerStepStats = {
    taking: none(),
    sending: none(),
    acking: none(),
    backing_off: none(),
    stopped: none(),
  };
  for (const w of workers) {
    const s = stats[w.step];
    s.workers++;
    s.longestMs = Math.max(s.longestMs, w.forMs);
  }
  return stats;
}

export interface WorkerState {
  step: WorkerStep;
  /** Epoch milliseconds when the worker entered the step. */
  since: number;
  batchId?: string;
  attempt?: number;
}

export interface WorkerSnapshot extends WorkerState {
  forMs: number;
}

/** A worker's slot: the exporter moves it from step to step; the watchdog only reads it. */
export class WorkerSlot {
  #state: WorkerState;
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
    this.#state = { step: 'taking', since: now() };
  }

  enter(step: WorkerStep, batch?: { batchId: string; attempt?: number }): void {
    this.#state = {
      step,
      since: this.#now(),
      ...(batch === undefined ? {} : { batchId: batch.batchId }),
      ...(batch?.attempt === undefined ? {} : { attempt: batch.attempt }),
    };
  }

  snapshot(now: number): WorkerSnapshot {
    return { ...this.#state, forMs: now - this.#state.since };
  }
}

export interface OverdueLimits {
  /** A request's deadline: `sending` may take this long, plus the grace. */
  requestTimeoutMs: number;
  /** Slack on top of every bound (timer lateness on a busy machine). */
  graceMs: number;
}

/**
 * Finds workers stuck past what their step can take: `sending` past the request deadline, `acking` (one
 * sidecar write) past the grace. `taking` is waiting for records, legitimately endless while the queue is
 * empty — but not while records wait unread: every worker taking for longer than the grace while the queue
 * has unread records all along means its reader lost a wake-up. `backing_off` is bounded by the backoff.
 */
export class StallWatch {
  readonly #limits: OverdueLimits;
  /** Since when every worker has been taking while records waited unread; undefined when not so. */
  #idleWithWorkSince: number | undefined;

  constructor(limits: OverdueLimits) {
    this.#limits = limits;
  }

  overdue(workers: readonly WorkerSnapshot[], unread: number, now: number): WorkerSnapshot[] {
    const idleWithWork = unread > 0 && workers.every((w) => w.step === 'taking');
    if (!idleWithWork) this.#idleWithWorkSince = undefined;
    else this.#idleWithWorkSince ??= now;
    const idleTooLong =
      this.#idleWithWorkSince !== undefined && now - this.#idleWithWorkSince > this.#limits.graceMs;
    return workers.filter((w) => {
      if (w.step === 'sending') return w.forMs > this.#limits.requestTimeoutMs + this.#limits.graceMs;
      if (w.step === 'acking') return w.forMs > this.#limits.graceMs;
      return w.step === 'taking' && idleTooLong;
    });
  }
}
