/**
 * Failed sign-ins, counted per username and per client address. After the free failures, each further one
 * locks that username (or address) out for twice as long as the last, up to a cap; a success clears the
 * username's and the address's count. Kept in memory: servers sharing a PostgreSQL store each count their
 * own, which bounds guessing per server and needs no write per failure.
 */
export interface ThrottleSettings {
  /** Failures allowed per username before the first lock-out. */
  userFailures: number;
  /** Failures allowed per address: more, since many people may share one (a NAT, a proxy). */
  addressFailures: number;
  baseLockMs: number;
  maxLockMs: number;
  /** Failures older than this (since the last one) are forgotten. */
  forgetAfterMs: number;
  /** Entries kept at most; the least recently failed are dropped first. */
  maxEntries: number;
}

const DEFAULT_THROTTLE: ThrottleSettings = {
  userFailures: 5,
  addressFailures: 20,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxEntries: 100_000,
};

interface Entry {
  failures: number;
  lastFailureAt: number;
  lockedUntil: number;
}

export type ThrottleVerdict =
  { allowed: true } | { allowed: false; retryAfterSeconds: number; by: 'user' | 'address' };

export class SignInThrottle {
  readonly #settings: ThrottleSettings;
  readonly #entries = new Map<string, Entry>();

  constructor(settings: Partial<ThrottleSettings> = {}) {
    this.#settings = { ...DEFAULT_THROTTLE, ...settings };
  }

  #current(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && now - entry.lastFailureAt > this.#settings.forgetAfterMs && entry.lockedUntil <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Whether a sign-in may be tried now; asked before the password is checked. */
  check(username: string, address: string, now = Date.now()): ThrottleVerdict {
    for (const [by, key] of [
      ['user', `u:${username}`],
      ['address', `a:${address}`],
    ] as const) {
      const entry = this.#current(key, now);
      if (entry && entry.lockedUntil > now) {
        return { allowed: false, by, retryAfterSeconds: Math.ceil((entry.lockedUntil - now) / 1000) };
      }
    }
    return { allowed: true };
  }

  failed(username: string, address: string, now = Date.now()): void {
    this.#count(`u:${username}`, this.#settings.userFailures, now);
    this.#count(`a:${address}`, this.#settings.addressFailures, now);
  }

  succeeded(username: string, address: string): void {
    this.#entries.delete(`u:${username}`);
    this.#entries.delete(`a:${address}`);
  }

  #count(key: string, free: number, now: number): void {
    const entry = this.#current(key, now) ?? { failures: 0, lastFailureAt: now, lockedUntil: 0 };
    entry.failures += 1;
    entry.lastFailureAt = now;
    if (entry.failures >= free) {
      const doublings = Math.min(entry.failures - free, 20);
      entry.lockedUntil =
        now + Math.min(this.#settings.maxLockMs, this.#settings.baseLockMs * 2 ** doublings);
    }
    // Re-inserted so the map's order is least recently failed first.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#settings.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }
}
