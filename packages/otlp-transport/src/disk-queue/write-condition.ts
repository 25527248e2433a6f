import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';

/**
 * Whether the queue can write, and since when it cannot. A full disk is a state the queue lives through,
 * not a crash: appends are refused while it lasts (the caller answers its sender with a retryable error),
 * every append tries again, and the first write that succeeds ends it. Operators and orchestrators read it
 * from /healthz and /metrics, so it is kept here rather than only logged.
 */
export interface QueueWriteState {
  writable: boolean;
  /** Why the last write failed and since when, e.g. "disk full (ENOSPC) since 2026-01-02T03:04:05.000Z". */
  reason?: string;
  /** The error code of the failure (ENOSPC, EDQUOT, EIO, …), when the system gave one. */
  code?: string;
  /** Epoch milliseconds of the first failure of this spell. */
  since?: number;
}

/** What an append is rejected with while the queue cannot write; `cause` is the system's error. */
export class DiskQueueWriteError extends Error {
  override readonly name = 'DiskQueueWriteError';
  readonly code: string | undefined;
  /** The failure in words, e.g. "disk full (ENOSPC)": what a refused sender is told. */
  readonly description: string;
  constructor(dir: string, cause: unknown) {
    const description = describeWriteError(cause);
    super(`disk queue ${dir} cannot write: ${description}`, { cause });
    this.code = errorCode(cause);
    this.description = description;
  }
}

const causes: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'file system is read-only',
  EIO: 'I/O error',
  EFBIG: 'file too large',
};

function errorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** "disk full (ENOSPC)", or the error's own message when it has no code we know. */
function describeWriteError(err: unknown): string {
  const code = errorCode(err);
  const cause = code === undefined ? undefined : causes[code];
  if (cause !== undefined) return `${cause} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

export interface WriteConditionOptions {
  dir: string;
  log: Logger;
  /** How often the free space is checked while the disk is full and nobody appends. */
  probeIntervalMs?: number;
  now?: () => number;
}

export class WriteCondition {
  readonly #o: WriteConditionOptions;
  readonly #now: () => number;
  #failure: { code: string | undefined; description: string; since: number; need: number } | undefined;
  #probe: NodeJS.Timeout | undefined;

  constructor(options: WriteConditionOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get writable(): boolean {
    return this.#failure === undefined;
  }

  /**
   * Records a failed write of `need` bytes and returns the error the appends are rejected with. The
   * change is logged once per spell, not once per append: a full disk fails every append.
   */
  failed(err: unknown, need: number): DiskQueueWriteError {
    const description = describeWriteError(err);
    if (this.#failure === undefined) {
      this.#failure = { code: errorCode(err), description, since: this.#now(), need };
      this.#o.log.error(
        { err, dir: this.#o.dir },
        `disk queue cannot write (${description}): appends are refused until a write succeeds again`,
      );
      this.#startProbe();
    } else {
      this.#failure.need = need;
    }
    return new DiskQueueWriteError(this.#o.dir, err);
  }

  /** Records a write that succeeded: ends a failure spell, if there was one. */
  succeeded(): void {
    const failure = this.#failure;
    if (failure === undefined) return;
    this.#failure = undefined;
    this.#stopProbe();
    this.#o.log.warn(
      { dir: this.#o.dir, failedForMs: this.#now() - failure.since },
      `disk queue writable again after ${failure.description}`,
    );
  }

  state(): QueueWriteState {
    const f = this.#failure;
    if (f === undefined) return { writable: true };
    return {
      writable: false,
      reason: `${f.description} since ${new Date(f.since).toISOString()}`,
      ...(f.code === undefined ? {} : { code: f.code }),
      since: f.since,
    };
  }

  close(): void {
    this.#stopProbe();
  }

  /**
   * While the disk is full, the free space is checked now and then: when nobody appends (an orchestrator
   * took the process out of rotation because /healthz said so), no write would end the spell otherwise.
   * Only for ENOSPC: a quota, an I/O error or a read-only mount does not show in statfs. The next write
   * still decides; if it fails, the spell starts again.
   */
  #startProbe(): void {
    if (this.#failure?.code !== 'ENOSPC') return;
    this.#probe = setInterval(() => {
      void this.#spaceReturned().then((room) => {
        if (room) this.succeeded();
      });
    }, this.#o.probeIntervalMs ?? 1000);
    this.#probe.unref();
  }

  #stopProbe(): void {
    if (this.#probe !== undefined) clearInterval(this.#probe);
    this.#probe = undefined;
  }

  async #spaceReturned(): Promise<boolean> {
    const failure = this.#failure;
    if (failure === undefined) return false;
    try {
      const fs = await statfs(this.#o.dir);
      // A page of slack: the failed write also needs its file's last page and the sidecar's.
      return fs.bavail * fs.bsize >= failure.need + 2 * fs.bsize;
    } catch {
      return false;
    }
  }
}
