/**
 * This server's leadership of its jobs over a lease store (job-lease.ts): before each run the runner asks
 * `lead(job)`, which renews the lease while this server leads and otherwise tries to take it. Changes are
 * logged — taking a job over from another server names it and when its lease expired — so an operator can
 * follow which server runs what.
 */
import type { JobLeases } from './job-lease.ts';

interface LeadershipLog {
  info: (details: object, message: string) => void;
  warn: (details: object, message: string) => void;
}

export class JobLeadership {
  readonly #leases: JobLeases;
  readonly #log: LeadershipLog;
  readonly #leading = new Set<string>();

  constructor(leases: JobLeases, log: LeadershipLog) {
    this.#leases = leases;
    this.#log = log;
  }

  get holder(): string {
    return this.#leases.holder;
  }

  /** Whether this server held the job's lease at its last check. */
  isLeading(job: string): boolean {
    return this.#leading.has(job);
  }

  /**
   * True when this server holds the job's lease now (renewed, or newly taken). A failure to reach the store
   * counts as not leading: a leader that cannot renew stops rather than outlive its lease unseen.
   */
  async lead(job: string): Promise<boolean> {
    try {
      return await this.#lead(job);
    } catch (err) {
      this.#leading.delete(job);
      throw err;
    }
  }

  async #lead(job: string): Promise<boolean> {
    if (this.#leading.has(job)) {
      if (await this.#leases.renew(job)) return true;
      this.#leading.delete(job);
      const now = await this.#leases.current(job);
      this.#log.warn(
        { job, holder: this.holder, newHolder: now?.holder },
        `job ${job}: this server's lease expired${now === undefined || now.holder === this.holder ? '' : `; ${now.holder} runs it now`}`,
      );
    }
    const before = await this.#leases.current(job);
    if (!(await this.#leases.acquire(job))) return false;
    this.#leading.add(job);
    if (before === undefined || before.holder === this.holder) {
      this.#log.info({ job, holder: this.holder }, `job ${job}: this server runs it (lease taken)`);
    } else {
      this.#log.warn(
        { job, holder: this.holder, previousHolder: before.holder, previousExpiresAt: before.expiresAt },
        `job ${job}: taken over from ${before.holder}, whose lease expired at ${new Date(before.expiresAt).toISOString()}`,
      );
    }
    return true;
  }

  /** Releases every lease this server holds (shutdown); each failure is logged, the lease then expires. */
  async releaseAll(): Promise<void> {
    const jobs = [...this.#leading];
    this.#leading.clear();
    for (const job of jobs) {
      try {
        await this.#leases.release(job);
        this.#log.info({ job, holder: this.holder }, `job ${job}: lease released`);
      } catch (err) {
        this.#log.warn({ err, job }, `job ${job}: could not release its lease; it expires by itself`);
      }
    }
  }
}
