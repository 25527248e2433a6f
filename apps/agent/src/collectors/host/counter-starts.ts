/**
 * Start times of cumulative series. OTLP cumulative sums and histograms carry the time their accumulation
 * began; kernel counters begin at boot, a scraped counter at its first observation. When a value goes down
 * the series was reset between two observations (a device re-created, a scraped process restarted), so its
 * start moves to the previous observation: the new accumulation began somewhere after it.
 *
 * One instance per source whose series are observed together (the host, one scrape target): `endCycle`
 * forgets series that the cycle did not report, so memory follows what exists now.
 */
interface SeriesState {
  start: bigint;
  last: number;
  lastTime: bigint;
  cycle: number;
}

export class CounterStarts {
  readonly #series = new Map<string, SeriesState>();
  #cycle = 0;

  /** The start time for this observation of series `key`. */
  startFor(key: string, value: number, firstStart: bigint, now: bigint): bigint {
    const state = this.#series.get(key);
    if (state === undefined) {
      const start = firstStart < now ? firstStart : now;
      this.#series.set(key, { start, last: value, lastTime: now, cycle: this.#cycle });
      return start;
    }
    if (value < state.last) state.start = state.lastTime;
    state.last = value;
    state.lastTime = now;
    state.cycle = this.#cycle;
    return state.start;
  }

  /** Forgets the series not seen since the previous `endCycle`. */
  endCycle(): void {
    for (const [key, state] of this.#series) if (state.cycle !== this.#cycle) this.#series.delete(key);
    this.#cycle++;
  }

  get size(): number {
    return this.#series.size;
  }
}
