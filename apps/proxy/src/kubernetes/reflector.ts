/**
 * List + watch of one kind of Kubernetes object, kept going for the life of the proxy: a full (paged) list,
 * then a watch from the list's resourceVersion; a watch that ends — the API server closes them every few
 * minutes, a proxy in between may drop them — resumes from the last resourceVersion seen, so nothing is
 * missed and nothing is listed again; a `410 Gone` (that version is no longer in the API server's history)
 * lists again. Other failures back off (1 s doubling to 30 s) and retry, so an API server outage or missing
 * permission costs a log line per attempt, never the proxy.
 *
 * The client library's informer (ListWatch) keeps every full object in memory and stops for good on the
 * first error that is not a 410; this keeps only what the callbacks keep, and never stops until closed.
 */
import type { Watch } from '@kubernetes/client-node';
import type { Logger } from 'pino';

interface ObjectWithMeta {
  metadata?: { resourceVersion?: string } | undefined;
}

interface ListPage<T> {
  items: T[];
  metadata?: { resourceVersion?: string; _continue?: string } | undefined;
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ReflectorOptions<T> {
  /** For logs and stats, e.g. `pods`. */
  resource: string;
  /** The collection's API path, e.g. `/api/v1/pods`; watched with `?watch=true`. */
  path: string;
  /** One page of the list (`_continue` undefined for the first). */
  list(continueToken: string | undefined): Promise<ListPage<T>>;
  watch: Watch;
  log: Logger;
  /** After every complete (re)list: the whole collection. */
  onList(items: T[]): void;
  onEvent(type: WatchEventType, object: T): void;
  /** After a failed list or watch (counted in stats before the call). */
  onFailure?: () => void;
  /** Backoff after a failure: first delay and cap (ms). */
  backoffMs?: { first: number; max: number };
}

export interface ReflectorStats {
  resource: string;
  /** True once the first list completed. */
  synced: boolean;
  lists: number;
  /** Lists caused by a `410 Gone` (history compacted past our resourceVersion). */
  relistsAfterGone: number;
  watches: number;
  events: number;
  failures: number;
  lastError: string | undefined;
  resourceVersion: string;
}

/** True for an API answer of 410 Gone, whichever way the client reported it. */
function isGone(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { statusCode?: unknown; code?: unknown };
  return e.statusCode === 410 || e.code === 410;
}

/** The client reports failures as Errors with a statusCode, or as Status objects: keep both kinds of detail. */
function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return Object.assign(new Error(describe(err)), typeof err === 'object' ? err : {});
}

function isTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'TimeoutError';
}

function describe(err: unknown): string {
  if (typeof err !== 'object' || err === null) return String(err);
  const e = err as { statusCode?: unknown; code?: unknown; message?: unknown };
  const status =
    typeof e.statusCode === 'number' ? e.statusCode : typeof e.code === 'number' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message.split('\n')[0]! : JSON.stringify(err);
  return status === undefined ? message : `HTTP ${status}: ${message}`;
}

export class Reflector<T extends ObjectWithMeta> {
  readonly #o: ReflectorOptions<T>;
  readonly #stats: ReflectorStats;
  #resourceVersion = '';
  #stopped = false;
  #abort: AbortController | undefined;
  #wake: (() => void) | undefined;
  #running: Promise<void> | undefined;

  constructor(options: ReflectorOptions<T>) {
    this.#o = options;
    this.#stats = {
      resource: options.resource,
      synced: false,
      lists: 0,
      relistsAfterGone: 0,
      watches: 0,
      events: 0,
      failures: 0,
      lastError: undefined,
      resourceVersion: '',
    };
  }

  get stats(): Readonly<ReflectorStats> {
    return { ...this.#stats, resourceVersion: this.#resourceVersion };
  }

  /** A method, not the field: the field's narrowing does not survive the awaits in between. */
  #isStopped(): boolean {
    return this.#stopped;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /**
   * Ends the watch. A watch still connecting cannot be aborted (the client hands out its abort controller
   * only once the API server answers) and ends by the client's own 30 s timeout; stopping does not wait
   * more than `graceMs` for it.
   */
  async stop(graceMs = 1000): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#running,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }

  async #run(): Promise<void> {
    const { first, max } = this.#o.backoffMs ?? { first: 1000, max: 30_000 };
    let delay = 0;
    while (!this.#stopped) {
      try {
        if (this.#resourceVersion === '') await this.#list();
        if (this.#isStopped()) return;
        const { gone, events, ms } = await this.#watchOnce();
        if (gone) {
          this.#stats.relistsAfterGone++;
          this.#o.log.info(
            { resource: this.#o.resource },
            'kubernetes watch history expired (410): listing again',
          );
          this.#resourceVersion = '';
          continue;
        }
        // A watch that ended at once without a single event is a failure in disguise (a proxy in front of
        // the API server dropping connections): back off instead of reconnecting in a tight loop.
        if (events > 0 || ms >= 5000) delay = 0;
        else await this.#sleep((delay = Math.min(Math.max(delay * 2, first / 2), max)));
      } catch (err) {
        if (this.#isStopped()) return;
        if (isGone(err)) {
          this.#stats.relistsAfterGone++;
          this.#resourceVersion = '';
          continue;
        }
        this.#stats.failures++;
        this.#stats.lastError = describe(err);
        delay = Math.min(Math.max(delay * 2, first), max);
        this.#o.log.warn(
          { resource: this.#o.resource, err: this.#stats.lastError, retryInMs: delay },
          'kubernetes list/watch failed; retrying',
        );
        this.#o.onFailure?.();
        await this.#sleep(delay);
      }
    }
  }

  /** Pages through the whole collection, then hands it over in one piece (a partial list is never used). */
  async #list(): Promise<void> {
    const items: T[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.#o.list(token);
      if (this.#isStopped()) return;
      items.push(...page.items);
      // The first page's version is the list's: later pages are served from the same snapshot.
      if (token === undefined) resourceVersion = page.metadata?.resourceVersion ?? '';
      token = page.metadata?._continue || undefined;
    } while (token !== undefined);
    this.#stats.lists++;
    this.#stats.synced = true;
    this.#o.onList(items);
    // Without a version (not something an API server does) the watch starts from "now" and sends the
    // current objects again as ADDED, which the callbacks take as updates.
    this.#resourceVersion = resourceVersion;
  }

  /** One watch, until the server or the network ends it. */
  #watchOnce(): Promise<{ gone: boolean; events: number; ms: number }> {
    const started = Date.now();
    this.#stats.watches++;
    let gone = false;
    let events = 0;
    return new Promise((resolve, reject) => {
      const done = (err: unknown) => {
        this.#abort = undefined;
        // The client library ends a watch that saw no data for 30 s with a TimeoutError: resume, as after a
        // clean close.
        if (err !== null && err !== undefined && !isTimeout(err) && !this.#stopped) reject(asError(err));
        else resolve({ gone, events, ms: Date.now() - started });
      };
      const onEvent = (type: string, object: T & { code?: unknown }) => {
        if (this.#stopped) return;
        if (type === 'ERROR') {
          // A Status object: 410 means our resourceVersion is too old; the server closes the stream next.
          if (object.code === 410) gone = true;
          else this.#stats.lastError = `watch error event: ${JSON.stringify(object).slice(0, 300)}`;
          return;
        }
        const version = object.metadata?.resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          events++;
          this.#stats.events++;
          this.#o.onEvent(type, object);
        }
        // BOOKMARK events carry only a newer resourceVersion: keeping it makes the next resume cheaper.
        if (version !== undefined && version !== '') this.#resourceVersion = version;
      };
      this.#o.watch
        .watch(
          this.#o.path,
          { resourceVersion: this.#resourceVersion, allowWatchBookmarks: true },
          onEvent,
          done,
        )
        .then(
          (controller) => {
            if (this.#stopped) controller.abort();
            else this.#abort = controller;
          },
          (err: unknown) => {
            reject(asError(err));
          },
        );
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
