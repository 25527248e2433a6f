/**
 * Keep decisions of tail sampling, shared between agents: an agent that keeps a trace posts its id, and every
 * agent long-polls for the ids kept elsewhere, so the spans of a kept trace are kept on every host. Decisions
 * matter only for the agents' hold window, so they live in memory for a bounded time and count. The server
 * holds the board; a proxy keeps a local one fed by a single upstream long poll, read by every agent behind it
 * with its own cursor (docs/tail-sampling.md).
 */
export interface DecisionPage {
  traceIds: string[];
  /** Pass back as `after` to get only newer decisions. */
  cursor: string;
}

export interface DecisionBoardOptions {
  retainMs: number;
  maxDecisions: number;
  /** Prefix of this board's cursors, so a server's and a proxy's cursors never pass for each other. */
  cursorPrefix?: string;
  now?: () => number;
}

const TRACE_ID = /^[0-9a-f]{32}$/;

export class DecisionBoard {
  readonly #o: DecisionBoardOptions;
  readonly #now: () => number;
  // A cursor from another run (or another board) must not skip decisions: the epoch tells them apart.
  readonly #epoch: string;
  #ids: string[] = [];
  #times: number[] = [];
  /** Sequence number of #ids[0]. */
  #base = 0;
  readonly #waiters = new Set<() => void>();

  constructor(options: DecisionBoardOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#epoch = `${options.cursorPrefix ?? ''}${Date.now().toString(36)}`;
  }

  static isTraceId(value: unknown): value is string {
    return typeof value === 'string' && TRACE_ID.test(value);
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
