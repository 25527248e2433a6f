/**
 * The log file collector: follows the files the sources' globs match and hands their lines, as OTLP log
 * records, to a sink (the agent's disk queue) in batches.
 *
 * Delivery guarantee. A file's checkpoint moves only after the sink resolved for the batch holding its
 * lines, so a crash before that re-reads them. The remaining window — the sink stored the batch but the
 * agent died before writing the checkpoint — is closed with the batch id: before calling the sink, the
 * batch's id and byte ranges are written to the checkpoint file; after a crash those exact ranges are read
 * again and sent under the same id (crash-replay.ts). With the id passed on as `X-APO-Batch-Id`, the
 * server's ledger stores each line once. (If the queue re-batched and lost the id, a crash in that window
 * would duplicate at most that one batch.)
 *
 * Flow: one loop reads a chunk (256 KiB) from each file in turn, so one busy file cannot starve the others
 * and the event loop gets a turn between chunks; the batcher stops the loop while the sink is behind.
 * Every poll interval the globs are expanded again (new files, rotations, truncations, idle partial lines);
 * fs.watch on the globs' directories only wakes the loop early, it is never relied on.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { ResourceMetrics } from '@apo/shared/model';
import type { CollectorLog } from './collector-log.ts';
import { CheckpointStore } from './checkpoint-store.ts';
import { replayPending } from './crash-replay.ts';
import { discoverFiles, watchRoots, type FoundFile } from './file-discovery.ts';
import { DirectoryWatch } from './directory-watch.ts';
import { fingerprintOf, identityKey } from './file-identity.ts';
import { FileTailer, type TailerCounters } from './file-tailer.ts';
import { LogBatcher, type SealedBatch } from './log-batcher.ts';
import { LogCountMetrics } from './log-count-metrics.ts';
import { resolveLogSources, type LogSource } from './log-source-config.ts';
import { startPosition } from './start-position.ts';
import {
  DEFAULT_TUNING,
  type LogCollector,
  type LogCollectorOptions,
  type LogCollectorStats,
  type LogCollectorTuning,
} from './log-collector-api.ts';

/** Housekeeping runs at most this often when fs.watch reports files coming and going. */
const MIN_HOUSEKEEPING_GAP_MS = 100;

export function createLogCollector(options: LogCollectorOptions): LogCollector {
  return new FileLogCollector(options);
}

class FileLogCollector implements LogCollector {
  private readonly options: LogCollectorOptions;
  private readonly log: CollectorLog;
  private readonly sources: LogSource[];
  private readonly tuning: LogCollectorTuning;
  private readonly pollIntervalMs: number;
  private readonly hostName: string;
  private readonly counts: LogCountMetrics;
  private readonly tailers = new Map<string, FileTailer>();
  private readonly counters: TailerCounters = {
    bytesRead: 0,
    lines: 0,
    truncatedLines: 0,
    records: 0,
    truncations: 0,
  };
  private readonly delivered = {
    batches: 0,
    records: 0,
    sinkFailures: 0,
    sinkWaits: 0,
    rotations: 0,
    replayedLines: 0,
  };
  /** Sources with no trace in the checkpoint file: their files present at the first scan start at the end. */
  private readonly newSources = new Set<string>();
  /** The last error per path or source, so a lasting problem is logged once, not every poll. */
  private readonly openFailures = new Map<string, string>();
  private readonly globFailures = new Map<string, string>();
  private readonly watch = new DirectoryWatch((hint) => {
    // A file appearing, disappearing or moving is worth an early glob; a change only a read.
    if (hint === 'appeared-or-gone') this.housekeepingRequested = true;
    this.wake();
  });
  private store: CheckpointStore | undefined;
  private batcher: LogBatcher | undefined;
  private pumpDone: Promise<void> | undefined;
  private closing = false;
  private closed: Promise<void> | undefined;
  private woken = false;
  private wakeUp: (() => void) | undefined;
  private housekeepingRequested = false;
  private lastHousekeepingMs = 0;
  private nextHousekeepingMs = 0;

  constructor(options: LogCollectorOptions) {
    this.options = options;
    this.log = options.log;
    this.hostName = options.hostName ?? hostname();
    this.sources = resolveLogSources(options.sources, this.hostName);
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.counts = new LogCountMetrics(this.hostName, Date.now());
  }

  async start(): Promise<void> {
    const store = await CheckpointStore.open(this.options.dataDir, this.log);
    this.store = store;
    const batcher = new LogBatcher({
      sink: this.options.sink,
      store,
      log: this.log,
      hostName: this.hostName,
      limits: {
        maxRecords: this.tuning.batchMaxRecords,
        maxBytes: this.tuning.batchMaxBytes,
        maxDelayMs: this.tuning.batchMaxDelayMs,
      },
      sourceCount: this.sources.length,
      now: Date.now,
      onDelivered: (batch) => this.onDelivered(batch),
      onSinkError: () => this.delivered.sinkFailures++,
    });
    this.batcher = batcher;
    for (const source of this.sources) if (!store.hasSource(source.key)) this.newSources.add(source.key);
    let resumeAt = new Map<string, number>();
    const pending = store.pending;
    if (pending !== null) {
      const replay = await replayPending(pending, this.sources, this.tuning, Date.now(), this.log);
      this.delivered.replayedLines += replay.lines;
      resumeAt = replay.resumeAt;
      if (replay.batch !== undefined) batcher.enqueueReplay(replay.batch);
      else store.setPending(null);
      this.log.info(
        { batchId: pending.batchId, files: resumeAt.size },
        'replaying the log batch a stop left unconfirmed',
      );
    }
    await this.housekeeping(true, resumeAt);
    for (const source of this.sources) store.addSource(source.key);
    await store.save();
    this.nextHousekeepingMs = Date.now() + this.pollIntervalMs;
    this.pumpDone = this.pump();
  }

  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    this.wake();
    await this.pumpDone;
    this.watch.close();
    await this.batcher?.close();
    try {
      await this.store?.save();
    } catch (err) {
      this.log.error({ err }, 'cannot write log checkpoints at shutdown');
    }
    await Promise.all([...this.tailers.values()].map((t) => t.close().catch(() => undefined)));
    this.tailers.clear();
  }

  metrics(): ResourceMetrics[] {
    return this.counts.resourceMetrics(Date.now());
  }

  stats(): LogCollectorStats {
    let draining = 0;
    for (const t of this.tailers.values()) if (t.draining) draining++;
    return {
      files: this.tailers.size,
      drainingFiles: draining,
      bytesRead: this.counters.bytesRead,
      lines: this.counters.lines,
      records: this.counters.records,
      truncatedLines: this.counters.truncatedLines,
      rotations: this.delivered.rotations,
      truncations: this.counters.truncations,
      batchesDelivered: this.delivered.batches,
      recordsDelivered: this.delivered.records,
      sinkFailures: this.delivered.sinkFailures,
      sinkWaits: this.delivered.sinkWaits,
      replayedLines: this.delivered.replayedLines,
      unconfirmedBatches: this.batcher?.unconfirmed ?? 0,
    };
  }

  private onDelivered(batch: SealedBatch): void {
    this.delivered.batches++;
    this.delivered.records += batch.info.records;
    for (const t of batch.tallies) this.counts.add(t.source.service, t.source.instance, t.records, t.errors);
  }

  /** The read loop: a chunk per file per round; housekeeping every poll interval; sleeps when all is read. */
  private async pump(): Promise<void> {
    const batcher = this.batcher!;
    const buffer = Buffer.allocUnsafe(this.tuning.readChunkBytes);
    while (!this.closing) {
      try {
        const now = Date.now();
        if (
          now >= this.nextHousekeepingMs ||
          (this.housekeepingRequested && now >= this.earliestHousekeeping())
        ) {
          await this.housekeeping(false, undefined);
        }
        let progressed = false;
        for (const tailer of this.tailers.values()) {
          while (batcher.blocked && !this.stopping()) {
            this.delivered.sinkWaits++;
            await this.waitForRoom(batcher);
          }
          if (this.stopping()) break;
          try {
            if (await tailer.read(buffer, Date.now())) progressed = true;
          } catch (err) {
            if (!tailer.readFailed) this.log.warn({ err, path: tailer.path }, 'cannot read log file');
            tailer.readFailed = true;
          }
        }
        batcher.tick();
        if (!progressed) await this.idle();
      } catch (err) {
        this.log.error({ err }, 'log collector loop failed; retrying');
        await this.idle();
      }
    }
  }

  /** A method, not the field: the compiler would otherwise assume it cannot change across an await. */
  private stopping(): boolean {
    return this.closing;
  }

  private waitForRoom(batcher: LogBatcher): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      void batcher.waitForRoom().then(resolve);
    });
  }

  private earliestHousekeeping(): number {
    return this.lastHousekeepingMs + MIN_HOUSEKEEPING_GAP_MS;
  }

  /** Sleeps until the next poll, the open batch's deadline, a watch event or close. */
  private idle(): Promise<void> {
    if (this.woken || this.closing) {
      this.woken = false;
      return Promise.resolve();
    }
    let due = this.nextHousekeepingMs;
    if (this.housekeepingRequested) due = Math.min(due, this.earliestHousekeeping());
    const batchDue = this.batcher?.dueAtMs;
    if (batchDue !== undefined) due = Math.min(due, batchDue);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, due - Date.now()));
      this.wakeUp = done;
    });
  }

  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Expands the globs, follows renames and truncations, flushes quiet files, opens new ones. */
  private async housekeeping(
    initial: boolean,
    resumeAt: ReadonlyMap<string, number> | undefined,
  ): Promise<void> {
    const now = Date.now();
    this.housekeepingRequested = false;
    this.lastHousekeepingMs = now;
    this.nextHousekeepingMs = now + this.pollIntervalMs;
    const found = await discoverFiles(this.sources, (source, err) => {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (this.globFailures.get(source.key) === code) return;
      this.globFailures.set(source.key, code);
      this.log.warn({ err, include: source.include }, 'cannot expand log globs');
    });
    const foundPaths = new Set([...found.values()].map((f) => f.path));
    for (const path of this.openFailures.keys()) if (!foundPaths.has(path)) this.openFailures.delete(path);
    for (const tailer of this.tailers.values()) {
      if (found.delete(tailer.key)) {
        tailer.draining = false;
      } else if (!tailer.draining) {
        // Renamed away (rename-and-create rotation) or deleted: read what it still has, then let go.
        tailer.draining = true;
        tailer.drainingSinceMs = now;
        this.delivered.rotations++;
      }
      try {
        if ((await tailer.inspect(now)) === 'truncated') {
          this.log.info({ path: tailer.path }, 'log file truncated; reading it again from the start');
        }
        tailer.flushIdle(now);
        const quietSince = Math.max(tailer.lastDataAtMs, tailer.drainingSinceMs);
        if (tailer.draining && tailer.atEnd && now - quietSince >= this.tuning.rotateWaitMs) {
          tailer.flushAll(now);
          this.tailers.delete(tailer.key);
          await tailer.close();
        }
      } catch (err) {
        this.log.warn({ err, path: tailer.path }, 'cannot inspect a tailed log file');
      }
    }
    for (const file of found.values()) await this.follow(file, initial, resumeAt);
    this.store!.prune(now, this.tuning.checkpointRetentionMs, new Set(this.tailers.keys()));
    if (this.tuning.watch) this.watch.watch(watchRoots(this.sources.flatMap((s) => s.include)));
  }

  /** Opens a newly found file and decides where to start reading it. */
  private async follow(
    file: FoundFile,
    initial: boolean,
    resumeAt: ReadonlyMap<string, number> | undefined,
  ): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(file.path, 'r');
      this.openFailures.delete(file.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
      // Once per path and error, not every poll.
      if (this.openFailures.get(file.path) !== code)
        this.log.warn({ err, path: file.path }, 'cannot open log file');
      this.openFailures.set(file.path, code);
      return;
    }
    try {
      const st = await fh.stat({ bigint: true });
      const key = identityKey(st.dev, st.ino);
      if (this.tailers.has(key)) {
        await fh.close();
        return;
      }
      const size = Number(st.size);
      const fingerprint = await fingerprintOf(fh);
      const startAt =
        file.source.startAt ?? (initial && this.newSources.has(file.source.key) ? 'end' : 'beginning');
      const { offset, reason } = await startPosition({
        fh,
        size,
        checkpoint: this.store!.get(key),
        replayedTo: resumeAt?.get(key),
        startAt,
      });
      if (reason === 'truncated' || reason === 'new-content') {
        this.log.info(
          { path: file.path, reason },
          'log file changed while not tailed; reading it from the start',
        );
      } else if (reason === 'end') {
        // Remembered now, so a restart before the first line arrives does not read the history after all.
        this.store!.put({
          key,
          path: file.path,
          fingerprint: fingerprint.hash,
          fingerprintBytes: fingerprint.bytes,
          offset,
          updatedAtMs: Date.now(),
        });
      }
      this.tailers.set(
        key,
        new FileTailer({
          key,
          path: file.path,
          source: file.source,
          fh,
          offset,
          size,
          fingerprint,
          batcher: this.batcher!,
          timing: this.tuning,
          counters: this.counters,
          nowMs: Date.now(),
        }),
      );
    } catch (err) {
      await fh.close().catch(() => undefined);
      this.log.warn({ err, path: file.path }, 'cannot start tailing log file');
    }
  }
}
