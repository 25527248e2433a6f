/**
 * Collects records into batches (by count, bytes or age), hands them to the sink one at a time, and moves
 * the checkpoints only after the sink resolved.
 *
 * Memory is bounded: one batch at the sink, one sealed behind it, one being filled; while all are full,
 * `blocked` is true and the readers stop (they resume when `waitForRoom` resolves). A rejected batch is retried, with backoff,
 * under the same id, and nothing behind it moves.
 *
 * Crash safety: before the sink is called, the batch's id and byte ranges are written to the checkpoint
 * file together with the commits of the batches before it (one write per batch under load). So at any
 * crash point the file says "delivered up to here, and this one batch may or may not have been". The
 * collector replays that batch under the same id at its next start; see log-collector.ts.
 */
import { createHash } from 'node:crypto';
import type { LogRecord, ResourceLogs } from '@apo/shared/model';
import type { CollectorLog } from './collector-log.ts';
import type { BatchSegment, CheckpointStore, PendingBatch } from './checkpoint-store.ts';
import type { Fingerprint } from './file-identity.ts';
import type { LogSource } from './log-source-config.ts';
import { ERROR_SEVERITY } from './severity.ts';

export interface LogBatchInfo {
  /**
   * Derived from the host and the exact byte ranges the batch covers (32 lower-case hex characters, like
   * the pipeline's own ids), so a batch replayed after a crash carries the same id: send it as the batch's
   * `X-APO-Batch-Id` and the server's ledger stores it once.
   */
  batchId: string;
  records: number;
  /** Bytes of log text in the batch (approximate: UTF-16 length of the lines). */
  bytes: number;
  /** This batch repeats one a crash left unconfirmed (same id, same lines). */
  replay: boolean;
}

/** Stores a batch durably (the agent's disk queue) and resolves; rejecting makes the collector retry it. */
export type LogSink = (batch: ResourceLogs[], info: LogBatchInfo) => Promise<void>;

/** What the batcher needs to know about the file a record came from. */
export interface BatchedFile {
  readonly key: string;
  readonly path: string;
  readonly source: LogSource;
  /** Bumped when the file is truncated: offsets start again from 0. */
  readonly generation: number;
  readonly fingerprint: Fingerprint;
  /** End of the last record handed to the batcher; the next segment of this file starts here. */
  batchedOffset: number;
}

interface BatchLimits {
  maxRecords: number;
  maxBytes: number;
  maxDelayMs: number;
}

/** Per-source tallies of a delivered batch (for the record and error counters). */
interface SourceTally {
  source: LogSource;
  records: number;
  errors: number;
}

interface Segment extends BatchSegment {
  generation: number;
}

interface OpenBatch {
  bySource: (LogRecord[] | undefined)[];
  sources: (LogSource | undefined)[];
  errors: number[];
  segments: Segment[];
  latest: Map<BatchedFile, Segment>;
  records: number;
  bytes: number;
  openedAtMs: number;
}

export interface SealedBatch {
  resourceLogs: ResourceLogs[];
  info: LogBatchInfo;
  pending: PendingBatch;
  tallies: SourceTally[];
}

const SCOPE_NAME = '@apo/agent/logs';
/**
 * Sealed batches waiting for the sink, the one at the sink included. Two let the readers fill the next
 * batch while the sender writes the checkpoint and the sink stores the current one.
 */
const QUEUE_DEPTH = 2;
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

export interface LogBatcherOptions {
  sink: LogSink;
  store: CheckpointStore;
  log: CollectorLog;
  hostName: string;
  limits: BatchLimits;
  sourceCount: number;
  now: () => number;
  onDelivered: (batch: SealedBatch) => void;
  onSinkError: (err: unknown) => void;
}

export class LogBatcher {
  private readonly o: LogBatcherOptions;
  private open: OpenBatch | undefined;
  private readonly queue: SealedBatch[] = [];
  private sender: Promise<void> | undefined;
  private roomWaiters: (() => void)[] = [];
  private closing = false;
  private wakeRetry: (() => void) | undefined;

  constructor(options: LogBatcherOptions) {
    this.o = options;
  }

  /** The readers must stop: the open batch is full and the sink still has the one before it. */
  get blocked(): boolean {
    return this.queue.length >= QUEUE_DEPTH && this.openIsFull();
  }

  /** Batches not yet confirmed by the sink (queued or at the sink), and the open one if it has records. */
  get unconfirmed(): number {
    return this.queue.length + (this.open !== undefined ? 1 : 0);
  }

  /** When the open batch must be sealed at the latest (ms), or undefined when there is none. */
  get dueAtMs(): number | undefined {
    return this.open === undefined ? undefined : this.open.openedAtMs + this.o.limits.maxDelayMs;
  }

  add(file: BatchedFile, record: LogRecord, endOffset: number, bytes: number): void {
    const batch = (this.open ??= this.newBatch());
    const index = file.source.index;
    (batch.bySource[index] ??= []).push(record);
    batch.sources[index] ??= file.source;
    if (record.severityNumber >= ERROR_SEVERITY) batch.errors[index]!++;
    batch.records++;
    batch.bytes += bytes;
    let segment = batch.latest.get(file);
    if (segment === undefined || segment.generation !== file.generation) {
      segment = {
        key: file.key,
        path: file.path,
        sourceKey: file.source.key,
        fingerprint: file.fingerprint.hash,
        fingerprintBytes: file.fingerprint.bytes,
        from: file.batchedOffset,
        to: endOffset,
        generation: file.generation,
      };
      batch.segments.push(segment);
      batch.latest.set(file, segment);
    }
    segment.to = endOffset;
    // The fingerprint grows with a young file; the checkpoint keeps the longest one seen.
    segment.fingerprint = file.fingerprint.hash;
    segment.fingerprintBytes = file.fingerprint.bytes;
    file.batchedOffset = endOffset;
    if (this.openIsFull()) this.trySeal(false);
  }

  /** Seals the open batch when it is old enough (called by the read loop and after each delivery). */
  tick(): void {
    const due = this.dueAtMs;
    if (due !== undefined && this.o.now() >= due) this.trySeal(false);
  }

  /** Resolves once the readers may add again. */
  waitForRoom(): Promise<void> {
    if (!this.blocked) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Puts a batch rebuilt from a crash's pending ranges ahead of everything else. */
  enqueueReplay(batch: SealedBatch): void {
    this.queue.unshift(batch);
    this.startSender();
  }

  /**
   * Delivers what has been read, one attempt per batch (no retries: the agent is stopping), and resolves
   * when the sink has answered. What is not delivered is read again at the next start.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeRetry?.();
    if (this.open !== undefined) this.seal();
    this.startSender();
    await this.sender;
    this.releaseWaiters();
  }

  private openIsFull(): boolean {
    const open = this.open;
    if (open === undefined) return false;
    const { maxRecords, maxBytes } = this.o.limits;
    return open.records >= maxRecords || open.bytes >= maxBytes;
  }

  private newBatch(): OpenBatch {
    const n = this.o.sourceCount;
    return {
      bySource: new Array<LogRecord[] | undefined>(n),
      sources: new Array<LogSource | undefined>(n),
      errors: new Array<number>(n).fill(0),
      segments: [],
      latest: new Map(),
      records: 0,
      bytes: 0,
      openedAtMs: this.o.now(),
    };
  }

  /** Seals the open batch if the queue has room (or `force`), and starts the sender. */
  private trySeal(force: boolean): void {
    if (this.open === undefined || (!force && this.queue.length >= QUEUE_DEPTH)) return;
    this.seal();
    this.startSender();
  }

  private seal(): void {
    const open = this.open;
    if (open === undefined) return;
    this.open = undefined;
    const resourceLogs: ResourceLogs[] = [];
    const tallies: SourceTally[] = [];
    for (let i = 0; i < open.bySource.length; i++) {
      const records = open.bySource[i];
      const source = open.sources[i];
      if (records === undefined || source === undefined) continue;
      resourceLogs.push(resourceLogsOf(source, records));
      tallies.push({ source, records: records.length, errors: open.errors[i]! });
    }
    const segments: BatchSegment[] = open.segments.map(({ generation: _generation, ...segment }) => segment);
    const batchId = batchIdOf(this.o.hostName, segments);
    this.queue.push({
      resourceLogs,
      info: { batchId, records: open.records, bytes: open.bytes, replay: false },
      pending: { batchId, segments },
      tallies,
    });
  }

  private startSender(): void {
    if (this.sender !== undefined || this.queue.length === 0) return;
    this.sender = this.runSender().finally(() => {
      this.sender = undefined;
      // A batch sealed while the last save was running needs a sender of its own.
      if (this.queue.length > 0 && !this.closing) this.startSender();
    });
  }

  private async runSender(): Promise<void> {
    const { store } = this.o;
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      // The intent goes to disk (with the commits before it) before the sink may store the batch.
      store.setPending(batch.pending);
      if (!(await this.saveStore())) return;
      if (!(await this.deliver(batch))) return;
      this.queue.shift();
      store.commit(batch.pending.segments, this.o.now());
      store.setPending(null);
      this.o.onDelivered(batch);
      this.tick();
      if (this.openIsFull()) this.trySeal(false);
      this.releaseWaiters();
    }
    await this.saveStore();
  }

  private async saveStore(): Promise<boolean> {
    try {
      await this.o.store.save();
      return true;
    } catch (err) {
      // Without a durable intent the batch must not be sent; the next attempt writes it again.
      this.o.log.error({ err, path: this.o.store.path }, 'cannot write log checkpoints');
      if (this.stopping()) return false;
      await this.sleep(RETRY_MAX_MS);
      return !this.stopping() && this.saveStore();
    }
  }

  /** Sends until the sink accepts (true) or the collector closes (false). */
  private async deliver(batch: SealedBatch): Promise<boolean> {
    let delay = RETRY_FIRST_MS;
    for (;;) {
      try {
        await this.o.sink(batch.resourceLogs, batch.info);
        return true;
      } catch (err) {
        this.o.onSinkError(err);
        if (this.stopping()) return false;
        this.o.log.warn(
          { err, batchId: batch.info.batchId, retryInMs: delay },
          'log sink rejected a batch; retrying it',
        );
        await this.sleep(delay);
        if (this.stopping()) return false;
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }

  /** A method, not the field: the compiler would otherwise assume it cannot change across an await. */
  private stopping(): boolean {
    return this.closing;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeRetry = done;
    });
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function resourceLogsOf(source: LogSource, records: LogRecord[]): ResourceLogs {
  // A fresh attribute map per batch: the sink may keep or change it without touching the next batch.
  const attributes = Object.assign(
    Object.create(null) as typeof source.resourceAttributes,
    source.resourceAttributes,
  );
  return {
    resource: { attributes, droppedAttributesCount: 0 },
    scopeLogs: [
      {
        scope: {
          name: SCOPE_NAME,
          version: '',
          attributes: Object.create(null) as typeof attributes,
          droppedAttributesCount: 0,
        },
        logRecords: records,
        schemaUrl: '',
      },
    ],
    schemaUrl: '',
  };
}

/** The same ranges of the same files on the same host give the same id. */
function batchIdOf(hostName: string, segments: readonly BatchSegment[]): string {
  const hash = createHash('sha256').update(hostName);
  for (const s of segments) hash.update(`\n${s.key}|${s.fingerprint}|${s.from}|${s.to}`);
  // 32 lower-case hex characters, the shape of the pipeline's own batch ids (newBatchId).
  return hash.digest('hex').slice(0, 32);
}

/** Builds the batch for a crash's pending ranges, keeping its id. */
export function replayBatch(
  pending: PendingBatch,
  bySource: ReadonlyMap<LogSource, LogRecord[]>,
  bytes: number,
): SealedBatch {
  const resourceLogs: ResourceLogs[] = [];
  const tallies: SourceTally[] = [];
  let records = 0;
  for (const [source, list] of bySource) {
    if (list.length === 0) continue;
    resourceLogs.push(resourceLogsOf(source, list));
    let errors = 0;
    for (const r of list) if (r.severityNumber >= ERROR_SEVERITY) errors++;
    tallies.push({ source, records: list.length, errors });
    records += list.length;
  }
  return {
    resourceLogs,
    info: { batchId: pending.batchId, records, bytes, replay: true },
    pending,
    tallies,
  };
}
