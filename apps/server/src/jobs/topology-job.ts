/**
 * The topology job: computes the dependency edges of each one-minute window from stored spans
 * (features/topology/edge-structure.ts), and the window's delay-source sums per endpoint
 * (features/delay/delay-source-window.ts), once the window is `graceMs` old, so spans that arrive late (agent
 * buffers, tail-sampling decisions, retries) are in. Windows are computed in order from where the last run
 * (or, after a restart, the `topology_windows` table) left off, at most `catchUpWindows` back: a server
 * that was down for a day does not spend its first hour on it. Each run computes at most
 * `windowsPerRun`, so the queries of a catch-up never hold the engine (chDB runs one query at a time) for
 * long. Writing a window again (a recompute, a second server) gives the same rows: see
 * storage/tables/topology-edges.ts. Servers sharing one ClickHouse run it on one of them at a time
 * (job-lease.ts).
 */
import type { Storage } from '../storage/index.ts';
import { computeWindow, latestComputedWindow, recordWindow } from '../features/topology/topology-window.ts';

const MINUTE_MS = 60_000;

export interface TopologyJobOptions {
  /** How long after a window ends it is computed. */
  graceMs: number;
  /** How many windows back a (re)started job catches up. */
  catchUpWindows: number;
  /** Windows computed per run at most. */
  windowsPerRun: number;
}

interface JobLog {
  info: (details: object, message: string) => void;
}

export class TopologyJob {
  readonly #storage: Storage;
  readonly #options: TopologyJobOptions;
  readonly #log: JobLog;
  readonly #now: () => number;
  /** The next window to compute (ms); undefined until the first run reads the table. */
  #next: number | undefined;

  constructor(storage: Storage, options: TopologyJobOptions, log: JobLog, now: () => number = Date.now) {
    this.#storage = storage;
    this.#options = options;
    this.#log = log;
    this.#now = now;
  }

  /** The newest window start that is due now. */
  #lastDue(): number {
    return Math.floor((this.#now() - this.#options.graceMs) / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  }

  /**
   * Forgets where the last run left off, so the next run reads it from the table: when this server takes the
   * job over from another, that one has computed windows since.
   */
  resume(): void {
    this.#next = undefined;
  }

  /** Computes the windows that are due, oldest first; returns how many it computed. */
  async runDue(): Promise<number> {
    const lastDue = this.#lastDue();
    const earliest = lastDue - (this.#options.catchUpWindows - 1) * MINUTE_MS;
    if (this.#next === undefined) {
      const latest = await latestComputedWindow(this.#storage, earliest);
      this.#next = latest === 0 ? earliest : latest + MINUTE_MS;
      if (latest === 0 || latest + MINUTE_MS < lastDue)
        this.#log.info({ fromMs: this.#next, toMs: lastDue + MINUTE_MS }, 'topology: catching up on windows');
    }
    let computed = 0;
    let next = Math.max(this.#next, earliest);
    while (next <= lastDue && computed < this.#options.windowsPerRun) {
      await this.runWindow(next);
      next += MINUTE_MS;
      computed++;
      this.#next = next;
    }
    return computed;
  }

  /** Computes one window now (tests, the admin's recompute); returns the edge rows written. */
  async runWindow(windowMs: number): Promise<number> {
    const rows = await computeWindow(this.#storage, windowMs);
    await recordWindow(this.#storage, windowMs, this.#now(), rows);
    return rows.edgeRows;
  }
}
