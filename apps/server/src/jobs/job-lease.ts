/**
 * Job leases: which server runs a background job that must run once over shared data (the topology job)
 * when several servers share one ClickHouse and one config store (PostgreSQL). A lease is one row per job —
 * holder and expiry — taken, renewed and released by single statements that SQLite and PostgreSQL both run
 * atomically: an upsert whose update is guarded by a compare on the row's holder and expiry, a guarded
 * update, a guarded delete. No advisory lock, no transaction held across a run. A holder that dies stops
 * renewing, and another server takes the lease once it has expired.
 *
 * Expiry is compared on the callers' clocks (injectable, for tests): servers' clocks must agree to well
 * within a lease's length, which NTP gives; a lease of a minute tolerates seconds of skew.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ConfigSchema } from '../config-store/schema.ts';

export interface LeaseHolding {
  holder: string;
  /** When the holder took the lease; renewals keep it. */
  acquiredAt: number;
  expiresAt: number;
}

export interface JobLeasesOptions {
  /** This server process's id; `holderId()` by default. */
  holder?: string;
  /** How long a lease lasts without renewal. */
  ttlMs: number;
  now?: () => number;
}

/** An id for this server process: its host and pid for the reader of a log, a random part for uniqueness. */
function holderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export class JobLeases {
  readonly holder: string;
  readonly #db: Kysely<ConfigSchema>;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(db: Kysely<ConfigSchema>, options: JobLeasesOptions) {
    this.#db = db;
    this.holder = options.holder ?? holderId();
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes the job's lease when no server holds it or its holder's lease has expired, and extends it when it
   * is already ours. True when it is ours now. Two servers trying at once: the row's uniqueness lets one
   * insert, and the other's update sees that row and its unexpired lease, so exactly one gets it.
   */
  async acquire(job: string): Promise<boolean> {
    const now = this.#now();
    const me = this.holder;
    const taken = await this.#db
      .insertInto('job_leases')
      .values({ job, holder: me, acquired_at: now, expires_at: now + this.#ttlMs })
      .onConflict((oc) =>
        oc
          .column('job')
          .doUpdateSet((eb) => ({
            holder: eb.ref('excluded.holder'),
            // A new term unless this extends our own unexpired lease.
            acquired_at: eb
              .case()
              .when(eb.and([eb('job_leases.holder', '=', me), eb('job_leases.expires_at', '>', now)]))
              .then(eb.ref('job_leases.acquired_at'))
              .else(eb.ref('excluded.acquired_at'))
              .end(),
            expires_at: eb.ref('excluded.expires_at'),
          }))
          .where((eb) => eb.or([eb('job_leases.expires_at', '<=', now), eb('job_leases.holder', '=', me)])),
      )
      .returning('holder')
      .execute();
    return taken.length > 0;
  }

  /**
   * Extends our unexpired lease. False when it expired or another server holds it now: a stale holder
   * (paused, cut off from the store past its expiry) learns here that it must stop.
   */
  async renew(job: string): Promise<boolean> {
    const now = this.#now();
    const result = await this.#db
      .updateTable('job_leases')
      .set({ expires_at: now + this.#ttlMs })
      .where('job', '=', job)
      .where('holder', '=', this.holder)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Gives up our lease (a server shutting down), so another takes over at once rather than after expiry. */
  async release(job: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom('job_leases')
      .where('job', '=', job)
      .where('holder', '=', this.holder)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** The job's lease as stored (possibly expired), or undefined when none is. */
  async current(job: string): Promise<LeaseHolding | undefined> {
    const row = await this.#db
      .selectFrom('job_leases')
      .select(['holder', 'acquired_at', 'expires_at'])
      .where('job', '=', job)
      .executeTakeFirst();
    return row === undefined
      ? undefined
      : { holder: row.holder, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
  }
}
