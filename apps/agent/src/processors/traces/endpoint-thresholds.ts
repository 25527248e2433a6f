/**
 * "Slower than its endpoint's threshold": P90 × 1.1 of the last hour per endpoint, from per-minute latency
 * histograms (the RED buckets), so the threshold follows the endpoint's own normal instead of one global
 * number. An endpoint without history uses the default (500 ms).
 */
import { RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT, interpolateQuantile } from '@apo/shared/red';

export interface ThresholdOptions {
  quantile: number;
  factor: number;
  defaultMs: number;
  /** Minutes of history (60 = the last hour). */
  windowMinutes: number;
  /** Fewer observations than this in the window: not enough history, use the default. */
  minCount: number;
}

interface Ring {
  /** windowMinutes rows of RED_BUCKET_COUNT counts. */
  counts: Float64Array;
  /** The minute (epoch ms / 60 000) each row holds. */
  minutes: Float64Array;
  cachedAt: number;
  cached: number;
}

export class EndpointThresholds {
  readonly #options: ThresholdOptions;
  readonly #rings = new Map<string, Ring>();

  constructor(options: ThresholdOptions) {
    this.#options = options;
  }

  /** Records one entry span's duration. */
  observe(endpoint: string, durationMs: number, nowMs: number): void {
    const ring = this.#ring(endpoint);
    const minute = Math.floor(nowMs / 60_000);
    const row = minute % this.#options.windowMinutes;
    if (ring.minutes[row] !== minute) {
      ring.minutes[row] = minute;
      ring.counts.fill(0, row * RED_BUCKET_COUNT, (row + 1) * RED_BUCKET_COUNT);
    }
    let bucket = 0;
    while (bucket < RED_BUCKET_BOUNDS_MS.length && durationMs > RED_BUCKET_BOUNDS_MS[bucket]!) bucket++;
    ring.counts[row * RED_BUCKET_COUNT + bucket]! += 1;
  }

  /** The threshold in ms; recomputed at most once a minute per endpoint, since it moves slowly. */
  thresholdMs(endpoint: string, nowMs: number): number {
    const ring = this.#rings.get(endpoint);
    if (!ring) return this.#options.defaultMs;
    const minute = Math.floor(nowMs / 60_000);
    if (ring.cachedAt === minute) return ring.cached;
    const sum = new Array<number>(RED_BUCKET_COUNT).fill(0);
    let total = 0;
    for (let row = 0; row < this.#options.windowMinutes; row++) {
      if (minute - ring.minutes[row]! >= this.#options.windowMinutes) continue;
      for (let b = 0; b < RED_BUCKET_COUNT; b++) {
        const c = ring.counts[row * RED_BUCKET_COUNT + b]!;
        sum[b]! += c;
        total += c;
      }
    }
    const q = interpolateQuantile(sum, RED_BUCKET_BOUNDS_MS, this.#options.quantile);
    ring.cached =
      total < this.#options.minCount || q === null || !Number.isFinite(q)
        ? this.#options.defaultMs
        : q * this.#options.factor;
    ring.cachedAt = minute;
    return ring.cached;
  }

  get size(): number {
    return this.#rings.size;
  }

  #ring(endpoint: string): Ring {
    let ring = this.#rings.get(endpoint);
    if (!ring) {
      const { windowMinutes } = this.#options;
      ring = {
        counts: new Float64Array(windowMinutes * RED_BUCKET_COUNT),
        minutes: new Float64Array(windowMinutes).fill(-Infinity),
        cachedAt: -1,
        cached: this.#options.defaultMs,
      };
      this.#rings.set(endpoint, ring);
    }
    return ring;
  }
}
