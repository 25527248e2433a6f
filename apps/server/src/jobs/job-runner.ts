/**
 * The server's background jobs (ARCHITECTURE.md §1, "analysis jobs"): each runs on its own interval, one run
 * at a time (the next is scheduled when the previous one ends, so a slow run delays rather than stacks), a
 * failed run is logged and retried at the next tick, and `stop()` waits for the runs in progress so the
 * storage can close after it. Embedded storage has one server per data directory, which runs every job.
 * Servers sharing one ClickHouse run each job on one of them: given a `Leadership`, a run happens only
 * while this server holds the job's lease (renewed before each run), and `stop()` releases the leases.
 */
interface JobLog {
  warn: (details: object, message: string) => void;
}

export interface Job {
  name: string;
  intervalMs: number;
  run: () => Promise<unknown>;
  /** Called when this server starts to lead the job (again): state kept from an earlier term may be stale. */
  resume?: () => void;
}

/** Who runs a job among servers sharing the data (job-leadership.ts). */
export interface Leadership {
  isLeading(job: string): boolean;
  /** True when this server holds the job's lease now. */
  lead(job: string): Promise<boolean>;
  releaseAll(): Promise<void>;
}

export class JobRunner {
  readonly #log: JobLog;
  readonly #leadership: Leadership | undefined;
  readonly #jobs: Job[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #stopped = true;

  constructor(log: JobLog, leadership?: Leadership) {
    this.#log = log;
    this.#leadership = leadership;
  }

  /** Whether this server runs the job: always while started without leadership, else while it leads. */
  leads(job: string): boolean {
    if (this.#stopped) return false;
    return this.#leadership === undefined || this.#leadership.isLeading(job);
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

  /** No new runs; resolves when the runs in progress have ended and this server's leases are released. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.all([...this.#running]);
    await this.#leadership?.releaseAll();
  }

  /** One tick of a job: its run, if this server leads it. */
  async #tick(job: Job): Promise<void> {
    const leadership = this.#leadership;
    if (leadership !== undefined) {
      const wasLeading = leadership.isLeading(job.name);
      if (!(await leadership.lead(job.name))) return;
      if (!wasLeading) job.resume?.();
    }
    await job.run();
  }

  #schedule(job: Job, delayMs: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#stopped) return;
      const run = this.#tick(job)
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
