/**
 * Storage writes with a deadline. A write cannot be cancelled (chDB has no interrupt; a ClickHouse server
 * goes on with an insert whose client left), so one that outlives its deadline fails its flush with a
 * StorageTimeoutError and is kept track of until it finishes: until then another statement would queue
 * behind it (chDB runs one at a time) and time out too.
 */
import { StorageTimeoutError } from './storage-failure.ts';

export interface WriteBound {
  /** Epoch ms after which the write counts as failed. */
  deadline: number;
  /** Every write of the flush, settled or not: what a failed flush may have stored comes from these. */
  writes: Promise<void>[];
  /** For the timeout's message, e.g. `the insert into spans`. */
  what: string;
}

export class BoundedWrites {
  readonly #timeoutMs: number;
  /** Writes that timed out and have not finished. */
  readonly #unsettled = new Set<Promise<void>>();

  /** `timeoutMs`: the configured write timeout, named in the timeout's message. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** A write that timed out is still running. */
  get stalled(): boolean {
    return this.#unsettled.size > 0;
  }

  /** `op`, failed with a StorageTimeoutError once `deadline` passes; kept in `writes` either way. */
  async run(op: Promise<void>, { deadline, writes, what }: WriteBound): Promise<void> {
    writes.push(op);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          reject(new StorageTimeoutError(`${what} did not finish within ${this.#timeoutMs} ms`));
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      await Promise.race([op, timeout]);
    } catch (err) {
      if (err instanceof StorageTimeoutError) {
        const settled = op.then(
          () => undefined,
          () => undefined,
        );
        this.#unsettled.add(settled);
        void settled.then(() => this.#unsettled.delete(settled));
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
