/**
 * At most one log line per key and interval, so a misconfiguration that fails every batch (a wrong token,
 * a wrong URL) is reported loudly but does not flood the log; the line says how many were left out.
 */
export class LogThrottle {
  readonly #intervalMs: number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  check(key: string, now: number): { log: boolean; suppressed: number } {
    const entry = this.#last.get(key);
    if (entry !== undefined && now - entry.at < this.#intervalMs) {
      entry.suppressed++;
      return { log: false, suppressed: 0 };
    }
    this.#last.set(key, { at: now, suppressed: 0 });
    return { log: true, suppressed: entry?.suppressed ?? 0 };
  }
}
