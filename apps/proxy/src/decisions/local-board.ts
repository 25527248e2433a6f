/**
 * The proxy's copy of the server's sampling decision board (apps/server/src/features/sampling/
 * decision-board.ts has the same cursor semantics): the decisions the one upstream long poll brought in,
 * kept for a bounded time and count, read by every agent behind this proxy with its own cursor.
 */
export interface DecisionPage {
  traceIds: string[];
  /** Pass back as `after` to get only newer decisions. */
  cursor: string;
}

export interface LocalBoardOptions {
  retainMs: number;
  maxDecisions: number;
  now?: () => number;
}

export class LocalBoard {
  readonly #o: LocalBoardOptions;
  readonly #now: () => number;
  // A cursor from another proxy run must not skip decisions: the epoch tells runs apart.
  readonly #epoch = `p${Date.now().toString(36)}`;
  #ids: string[] = [];
  #times: number[] = [];
  /** Sequence number of #ids[0]. */
  #base = 0;
  readonly #waiters = new Set<() => void>();

  constructor(options: LocalBoardOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  post(traceIds: readonly string[]): void {
    const now = this.#now();
    for (const id of traceIds) {
      this.#ids.push(id);
      this.#times.push(now);
    }
    this.#prune(now);
    this.wakeAll();
  }

  /** Decisions after `cursor`; waits up to `waitMs` for the first one when there is none yet. */
  async read(cursor: string | undefined, waitMs: number, signal?: AbortSignal): Promise<DecisionPage> {
    const page = this.#page(cursor);
    if (page.traceIds.length > 0 || waitMs <= 0 || signal?.aborted === true) return page;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done);
    });
    return this.#page(cursor);
  }

  /** Answers every waiting reader now (new decisions, or shutdown). */
  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  get waiting(): number {
    return this.#waiters.size;
  }

  get size(): number {
    return this.#ids.length;
  }

  #page(cursor: string | undefined): DecisionPage {
    this.#prune(this.#now());
    const end = this.#base + this.#ids.length;
    let from = end; // a new reader starts from now: older decisions concern traces it never held
    if (cursor !== undefined) {
      const [epoch, seq] = cursor.split(':');
      const n = Number(seq);
      from =
        epoch === this.#epoch && Number.isSafeInteger(n)
          ? Math.min(Math.max(n, this.#base), end)
          : this.#base;
    }
    return { traceIds: this.#ids.slice(from - this.#base), cursor: `${this.#epoch}:${end}` };
  }

  #prune(now: number): void {
    let drop = 0;
    while (
      drop < this.#times.length &&
      (now - this.#times[drop]! > this.#o.retainMs || this.#times.length - drop > this.#o.maxDecisions)
    ) {
      drop++;
    }
    if (drop === 0) return;
    this.#ids = this.#ids.slice(drop);
    this.#times = this.#times.slice(drop);
    this.#base += drop;
  }
}
