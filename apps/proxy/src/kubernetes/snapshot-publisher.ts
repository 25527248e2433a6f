/**
 * The pod snapshot's way to the server: `PUT <server>/v1/kubernetes/pods` with the whole snapshot (JSON,
 * gzip), authenticated with the proxy's token and tagged with its cluster id. The whole snapshot every time,
 * not a diff: the server keeps only the latest, so a lost or repeated request needs no bookkeeping.
 *
 * SnapshotSchedule decides when: shortly after changes (debounced, so a rollout of 50 pods is one request,
 * but never more than `maxDelayMs` late under steady churn), every `resyncMs` regardless (so a server that
 * lost it, or a server added to a cluster of servers, gets it back), and again with backoff after a failure.
 * One request at a time; what is sent is built when it is sent, so the latest state always wins.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { PodMetadata } from '@apo/shared/kubernetes';
import type { Logger } from 'pino';

const gzipAsync = promisify(gzip);

const SNAPSHOT_PATH = '/v1/kubernetes/pods';

export type PublishSnapshot = (pods: PodMetadata[]) => Promise<void>;

/** A publisher that PUTs to the server at `exportUrl` (its base URL, as the proxy exports to). */
export function snapshotPublisher(
  exportUrl: string,
  token: string | undefined,
  clusterId: string,
  options: { timeoutMs?: number } = {},
): PublishSnapshot {
  const url = `${exportUrl.replace(/\/+$/, '')}${SNAPSHOT_PATH}`;
  return async (pods) => {
    const body = await gzipAsync(JSON.stringify({ pods }), { level: 6 });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-apo-cluster-id': clusterId,
    };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const res = await fetch(url, {
      method: 'PUT',
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed === 'object' && parsed !== null && 'message' in parsed)
          message = String(parsed.message);
      } catch {
        // not JSON: quote the text
      }
      throw new Error(`the server answered ${res.status} to the pod snapshot: ${message.slice(0, 500)}`);
    }
  };
}

export interface SnapshotScheduleOptions {
  build(): PodMetadata[];
  publish: PublishSnapshot;
  log: Logger;
  /** Quiet time after a change before publishing. */
  debounceMs?: number;
  /** Longest a change waits under continuous churn. */
  maxDelayMs?: number;
  /** Publish at least this often, changed or not. */
  resyncMs?: number;
  /** Retry backoff after a failed publish: first delay and cap. */
  retryMs?: { first: number; max: number };
}

export interface SnapshotStats {
  published: number;
  failures: number;
  /** Pods in the last snapshot the server accepted. */
  lastPods: number;
  /** Epoch ms of the last accepted snapshot; 0 = none yet. */
  lastPublishedAt: number;
  lastError: string | undefined;
}

export class SnapshotSchedule {
  readonly #o: Required<Omit<SnapshotScheduleOptions, 'retryMs'>> & {
    retryMs: { first: number; max: number };
  };
  readonly #stats: SnapshotStats = {
    published: 0,
    failures: 0,
    lastPods: 0,
    lastPublishedAt: 0,
    lastError: undefined,
  };
  #timer: NodeJS.Timeout | undefined;
  #dueAt = Infinity;
  #firstChangeAt: number | undefined;
  #resync: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #again = false;
  #retryDelay = 0;
  /** After a failure, nothing is sent before this time (ms), changes or not. */
  #notBefore = 0;
  #closed = false;

  constructor(options: SnapshotScheduleOptions) {
    this.#o = {
      debounceMs: 1000,
      maxDelayMs: 10_000,
      resyncMs: 300_000,
      retryMs: { first: 1000, max: 60_000 },
      ...options,
    };
  }

  get stats(): Readonly<SnapshotStats> {
    return { ...this.#stats };
  }

  /** Starts the periodic resync and publishes now. */
  start(): void {
    this.#resync = setInterval(() => this.#arm(Date.now()), this.#o.resyncMs);
    this.#resync.unref();
    this.#fire();
  }

  /** Something in the snapshot changed. */
  changed(): void {
    if (this.#closed) return;
    const now = Date.now();
    this.#firstChangeAt ??= now;
    this.#arm(Math.min(now + this.#o.debounceMs, this.#firstChangeAt + this.#o.maxDelayMs));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#resync);
    await this.#inFlight;
  }

  /** (Re)arms the timer for `at`; a later debounce replaces an earlier one only up to maxDelay. */
  #arm(wanted: number): void {
    const at = Math.max(wanted, this.#notBefore);
    if (this.#timer !== undefined && at === this.#dueAt) return;
    clearTimeout(this.#timer);
    this.#dueAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, at - Date.now()));
    this.#timer.unref();
  }

  #fire(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = Infinity;
    if (this.#closed) return;
    if (this.#inFlight !== undefined) {
      this.#again = true;
      return;
    }
    this.#firstChangeAt = undefined;
    this.#inFlight = this.#publish().finally(() => {
      this.#inFlight = undefined;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.#arm(Date.now());
      }
    });
  }

  async #publish(): Promise<void> {
    const pods = this.#o.build();
    try {
      await this.#o.publish(pods);
      this.#stats.published++;
      this.#stats.lastPods = pods.length;
      this.#stats.lastPublishedAt = Date.now();
      this.#stats.lastError = undefined;
      this.#retryDelay = 0;
      this.#notBefore = 0;
    } catch (err) {
      this.#stats.failures++;
      this.#stats.lastError = (err as Error).message;
      const { first, max } = this.#o.retryMs;
      this.#retryDelay = Math.min(Math.max(this.#retryDelay * 2, first), max);
      // Jitter, so the proxies of many clusters do not come back at a restarted server in step.
      const delay = Math.round(this.#retryDelay * (0.75 + Math.random() * 0.5));
      this.#o.log.warn(
        { err: this.#stats.lastError, pods: pods.length, retryInMs: delay },
        'pod snapshot not published; retrying',
      );
      this.#notBefore = Date.now() + delay;
      if (!this.#closed) this.#arm(this.#notBefore);
    }
  }
}
