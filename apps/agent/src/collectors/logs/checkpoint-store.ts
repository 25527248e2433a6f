/**
 * Durable read positions of tailed files, in one JSON file under the agent's data directory, replaced
 * atomically (write a temporary file, then rename over the old one) so a crash leaves either the old or
 * the new state, never a torn one.
 *
 * Besides one committed offset per file identity it holds:
 * - the batch being handed to the sink right now (`pending`: its id and the exact byte ranges it covers),
 *   written before the sink is called. After a crash the collector replays exactly those ranges under the
 *   same batch id, so a batch that did reach the queue is recognised as a duplicate by the server's
 *   batch-id ledger, and one that did not is sent for the first time — see log-collector.ts;
 * - the sources already seen, so "start at the end" applies only to files present when a source is first
 *   configured, and a file that appears while the agent is down is read from its beginning.
 *
 * Writes are not fsync'ed: this protects against a crash of the agent, not of the machine (after a power
 * loss an older state may come back, which repeats lines rather than losing them).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectorLog } from './collector-log.ts';

export interface FileCheckpoint {
  /** `${dev}:${ino}` */
  key: string;
  path: string;
  fingerprint: string;
  fingerprintBytes: number;
  /** Bytes before this offset have been delivered to the sink. */
  offset: number;
  updatedAtMs: number;
}

/** A byte range of one file inside a batch. */
export interface BatchSegment {
  key: string;
  path: string;
  sourceKey: string;
  fingerprint: string;
  fingerprintBytes: number;
  from: number;
  to: number;
}

export interface PendingBatch {
  batchId: string;
  segments: BatchSegment[];
}

interface StoredState {
  version: 1;
  sources: string[];
  files: FileCheckpoint[];
  pending: PendingBatch | null;
}

export const CHECKPOINT_FILE = 'log-checkpoints.json';

export class CheckpointStore {
  readonly path: string;
  /** False when no checkpoint file existed: the agent's first start with this data directory. */
  readonly existed: boolean;
  private readonly files = new Map<string, FileCheckpoint>();
  private readonly sources = new Set<string>();
  private pendingBatch: PendingBatch | null = null;
  private dirty = false;
  private saving: Promise<void> = Promise.resolve();

  private constructor(path: string, existed: boolean, state: StoredState | undefined) {
    this.path = path;
    this.existed = existed;
    if (state === undefined) return;
    for (const file of state.files) this.files.set(file.key, file);
    for (const source of state.sources) this.sources.add(source);
    this.pendingBatch = state.pending;
  }

  static async open(dataDir: string, log: CollectorLog): Promise<CheckpointStore> {
    await mkdir(dataDir, { recursive: true });
    const path = join(dataDir, CHECKPOINT_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        return new CheckpointStore(path, false, undefined);
      throw err;
    }
    const state = parseState(text);
    if (state === undefined) {
      // Keep the bad file for a post-mortem. Starting as "not the first start" means files are read from
      // their beginning: lines may repeat, none are lost.
      const aside = `${path}.corrupt-${Date.now()}`;
      await rename(path, aside);
      log.warn({ path, movedTo: aside }, 'log checkpoint file unreadable; starting without checkpoints');
      return new CheckpointStore(path, true, undefined);
    }
    return new CheckpointStore(path, true, state);
  }

  get(key: string): FileCheckpoint | undefined {
    return this.files.get(key);
  }

  get pending(): PendingBatch | null {
    return this.pendingBatch;
  }

  setPending(pending: PendingBatch | null): void {
    this.pendingBatch = pending;
    this.dirty = true;
  }

  /** Advances the files of a delivered batch (segments in order, so a later range of a file wins). */
  commit(segments: readonly BatchSegment[], nowMs: number): void {
    for (const s of segments) {
      this.files.set(s.key, {
        key: s.key,
        path: s.path,
        fingerprint: s.fingerprint,
        fingerprintBytes: s.fingerprintBytes,
        offset: s.to,
        updatedAtMs: nowMs,
      });
    }
    this.dirty = true;
  }

  /** Records a position that was not reached by delivering lines (a file started at its end). */
  put(checkpoint: FileCheckpoint): void {
    this.files.set(checkpoint.key, checkpoint);
    this.dirty = true;
  }

  hasSource(sourceKey: string): boolean {
    return this.sources.has(sourceKey);
  }

  addSource(sourceKey: string): void {
    if (this.sources.has(sourceKey)) return;
    this.sources.add(sourceKey);
    this.dirty = true;
  }

  /** Drops checkpoints of files not tailed any more and untouched for `retentionMs`. */
  prune(nowMs: number, retentionMs: number, activeKeys: ReadonlySet<string>): void {
    for (const [key, file] of this.files) {
      if (!activeKeys.has(key) && nowMs - file.updatedAtMs > retentionMs) {
        this.files.delete(key);
        this.dirty = true;
      }
    }
  }

  /** Writes the state if it changed. Calls are serialised; a call made during a write waits for it. */
  save(): Promise<void> {
    // A failed write must not poison later ones: each starts after the previous settled, whatever its outcome.
    const next = this.saving.catch(() => undefined).then(() => this.writeIfDirty());
    this.saving = next;
    return next;
  }

  private async writeIfDirty(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    const state: StoredState = {
      version: 1,
      sources: [...this.sources],
      files: [...this.files.values()],
      pending: this.pendingBatch,
    };
    const temporary = `${this.path}.tmp`;
    try {
      await writeFile(temporary, JSON.stringify(state));
      await rename(temporary, this.path);
    } catch (err) {
      this.dirty = true;
      throw err;
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseState(text: string): StoredState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.version !== 1) return undefined;
  if (!Array.isArray(value.sources) || !Array.isArray(value.files)) return undefined;
  const files = value.files.filter(isFileCheckpoint);
  const sources = value.sources.filter((s): s is string => typeof s === 'string');
  const pending = isPending(value.pending) ? value.pending : null;
  return { version: 1, sources, files, pending };
}

function isFileCheckpoint(value: unknown): value is FileCheckpoint {
  return (
    isRecord(value) &&
    typeof value.key === 'string' &&
    typeof value.path === 'string' &&
    typeof value.fingerprint === 'string' &&
    typeof value.fingerprintBytes === 'number' &&
    typeof value.offset === 'number' &&
    typeof value.updatedAtMs === 'number'
  );
}

function isSegment(value: unknown): value is BatchSegment {
  return (
    isRecord(value) &&
    typeof value.key === 'string' &&
    typeof value.path === 'string' &&
    typeof value.sourceKey === 'string' &&
    typeof value.fingerprint === 'string' &&
    typeof value.fingerprintBytes === 'number' &&
    typeof value.from === 'number' &&
    typeof value.to === 'number'
  );
}

function isPending(value: unknown): value is PendingBatch {
  return (
    isRecord(value) &&
    typeof value.batchId === 'string' &&
    Array.isArray(value.segments) &&
    value.segments.every(isSegment)
  );
}
