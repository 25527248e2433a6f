import { IngestError } from './ingest-error.ts';

/**
 * Request bytes a process is working on at once — bodies as received plus what they inflate to — shared by
 * every receiver of the process (OTLP/HTTP and OTLP/gRPC). Beyond the bound a request is refused with 429 /
 * RESOURCE_EXHAUSTED and a retry delay: senders keep their batches and retry, so a burst of large or highly
 * compressed bodies (a zstd bomb inflates 8 KB into 16 MiB) costs a retry, not the process's memory.
 */
export class InFlightBytes {
  readonly max: number;
  /** Who is refusing, for the message: "the server", "the proxy". */
  readonly holder: string;
  #bytes = 0;

  constructor(max: number, holder: string) {
    this.max = max;
    this.holder = holder;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** One request's share; release it once the request is answered. */
  lease(): InFlightLease {
    return new InFlightLease(this, (delta) => {
      this.#bytes += delta;
    });
  }
}

export class InFlightLease {
  readonly #budget: InFlightBytes;
  readonly #add: (delta: number) => void;
  #held = 0;

  constructor(budget: InFlightBytes, add: (delta: number) => void) {
    this.#budget = budget;
    this.#add = add;
  }

  get held(): number {
    return this.#held;
  }

  /** Counts `bytes` more for this request, or throws an `overloaded` IngestError when that passes the bound. */
  take(bytes: number): void {
    const budget = this.#budget;
    // A request alone is always let through (the body limit bounds it): the bound is for bursts.
    const others = budget.bytes - this.#held;
    if (others > 0 && budget.bytes + bytes > budget.max) {
      throw new IngestError(
        'overloaded',
        `${budget.holder} is working on ${Math.round(budget.bytes / 2 ** 20)} MiB of requests already ` +
          `(limit ${Math.round(budget.max / 2 ** 20)} MiB): retry shortly`,
        1,
      );
    }
    this.#held += bytes;
    this.#add(bytes);
  }

  release(): void {
    this.#add(-this.#held);
    this.#held = 0;
  }
}
