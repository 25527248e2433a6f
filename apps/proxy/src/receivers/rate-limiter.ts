/**
 * Token buckets on items (spans, log records, metric points) per second, one per key (an agent token, or an
 * agent when there are no tokens). A bucket holds up to `burst` items and refills at `itemsPerSecond`. A
 * request larger than the whole bucket is let through when the bucket is full and leaves it in debt, so
 * big batches still pass at the configured average rate instead of never.
 */
export interface RateLimit {
  /** 0 = no limit. */
  itemsPerSecond: number;
  /** 0 = one second's worth. */
  burst: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** Takes `items` from `key`'s bucket: 0 when allowed, else the whole seconds to wait before trying again. */
  take(key: string, items: number, limit: RateLimit): number {
    if (limit.itemsPerSecond <= 0) return 0;
    const capacity = limit.burst > 0 ? limit.burst : limit.itemsPerSecond;
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: capacity, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * limit.itemsPerSecond);
      bucket.at = now;
    }
    const need = Math.min(items, capacity);
    if (bucket.tokens >= need) {
      bucket.tokens -= items;
      return 0;
    }
    return Math.max(1, Math.ceil((need - bucket.tokens) / limit.itemsPerSecond));
  }

  /** Gives back what `take` took for a request that was not accepted after all (e.g. the queue was full). */
  refund(key: string, items: number, limit: RateLimit): void {
    const bucket = this.#buckets.get(key);
    if (bucket === undefined || limit.itemsPerSecond <= 0) return;
    const capacity = limit.burst > 0 ? limit.burst : limit.itemsPerSecond;
    bucket.tokens = Math.min(capacity, bucket.tokens + items);
  }

  get keys(): number {
    return this.#buckets.size;
  }
}
