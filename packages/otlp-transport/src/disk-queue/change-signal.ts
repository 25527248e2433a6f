/**
 * Wakes consumers waiting for records. `version` lets a consumer that found nothing tell whether
 * something arrived while it was looking (then it looks again instead of waiting for the next change).
 */
export class ChangeSignal {
  #version = 0;
  readonly #waiters = new Set<() => void>();

  get version(): number {
    return this.#version;
  }

  notify(): void {
    this.#version++;
    for (const wake of this.#waiters) wake();
    this.#waiters.clear();
  }

  /** Resolves at the next `notify`, or when `signal` aborts (at once if it already has). */
  wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal?.aborted === true) {
        resolve();
        return;
      }
      const wake = (): void => {
        signal?.removeEventListener('abort', wake);
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });
  }
}
