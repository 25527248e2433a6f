/**
 * The server's background jobs (ARCHITECTURE.md §1, "analysis jobs"): each runs on its own interval, one run
 * at a time (the next is scheduled when the previous one ends, so a slow run delays rather than stacks), a
 * failed run is logged and retried at the next tick, and `stop()` waits for the runs in progress so the
 * storage can close after it. Embedded storage has one server per data directory; in cluster mode only one
 * server should run them (leader election is not built yet: start the runner on one server).
 */
interface JobLog {
  warn: (details: object, message: string) => void;
}

export interface Job {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
}

export class JobRunner {
  readonly #log: JobLog;
  readonly #jobs: Job[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #stopped = true;

  constructor(log: JobLog) {
    this.#log = log;
  }

  add(job: Job): this {
    this.#jobs.push(job);
    if (!this.#stopped) this.#schedule(job, 0);
    return this;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    for (const job of this.#jobs) this.#schedule(job, 0);
  }

  /** No new runs; resolves when the runs in progress have ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([...this.#running]);
  }

  #schedule(job: Job, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#stopped) return;
      const run = job
        .run()
        .then(
          () => undefined,
          (err: unknown) => {
            this.#log.warn(
              { err, job: job.name },
              `background job ${job.name} failed; retrying at its next run`,
            );
          },
        )
        .finally(() => {
          this.#running.delete(run);
          if (!this.#stopped) this.#schedule(job, job.intervalMs);
        });
      this.#running.add(run);
    }, delayMs);
    // Jobs never keep the process alive on their own.
    timer.unref();
    this.#timers.add(timer);
  }
}
