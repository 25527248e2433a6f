import type { FileHandle } from 'node:fs/promises';
import { truncate } from 'node:fs/promises';
import { readAcks } from './ack-log.ts';
import { scanSegmentFile } from './segment-scan.ts';
import { ackPath, listQueueFiles, removeIfPresent, segmentPath } from './segment-files.ts';
import type { SignalTallies } from './signal-tally.ts';

/**
 * The in-memory index of one segment: a fixed handful of numbers whatever the number of records in it,
 * plus the rare corrupt ranges. Record bodies and per-record state stay on disk (the sidecar); the reader
 * loads a segment's sidecar only while it walks that segment.
 */
export interface Segment {
  id: number;
  path: string;
  ackPath: string;
  /** Bytes the file occupies (counted against maxBytes). */
  bytes: number;
  /** Where the reader stops: the end of the last fully written record. */
  readEnd: number;
  records: number;
  /** Records delivered, rejected, dropped or found corrupt: the segment is deleted when settled = records. */
  settled: number;
  /** Records neither handed to a consumer nor settled, per signal. */
  unread: SignalTallies;
  /** Records handed out (or waiting for redelivery) and not settled yet. */
  inFlight: number;
  /** Corrupt ranges: start → offset of the next valid frame. */
  holes: Map<number, number> | undefined;
  /** The sidecar held entries at open: the reader must load it to skip records settled before a restart. */
  recoveredAcks: boolean;
  ackFile: FileHandle | undefined;
  /** Sidecar writes of this segment run one after another, and its deletion after the last of them. */
  ackChain: Promise<void>;
  /** Entries waiting for the next sidecar write (the one at the end of `ackChain`, not started yet). */
  ackGroup: { entries: Buffer[]; written: Promise<void> } | undefined;
  deleted: boolean;
}

export interface Recovery {
  segments: Segment[];
  nextId: number;
  corruptRecords: number;
  truncatedBytes: number;
}

export function newSegment(
  id: number,
  paths: { path: string; ackPath: string },
  unread: SignalTallies,
): Segment {
  return {
    id,
    path: paths.path,
    ackPath: paths.ackPath,
    bytes: 0,
    readEnd: 0,
    records: 0,
    settled: 0,
    unread,
    inFlight: 0,
    holes: undefined,
    recoveredAcks: false,
    ackFile: undefined,
    ackChain: Promise.resolve(),
    ackGroup: undefined,
    deleted: false,
  };
}

/**
 * Rebuilds the index from the files: every segment is scanned once (checksums verified, one segment in
 * memory at a time), a bad tail of the newest segment — the one being written when the process died — is
 * truncated, corrupt records elsewhere are skipped and counted, and segments with nothing left to deliver
 * are deleted with their sidecars (as are sidecars whose segment is gone).
 */
export async function recoverSegments(dir: string): Promise<Recovery> {
  const files = await listQueueFiles(dir);
  const recovery: Recovery = { segments: [], nextId: 1, corruptRecords: 0, truncatedBytes: 0 };
  const segmentIds = new Set(files.segments);
  for (const id of files.acks) {
    recovery.nextId = Math.max(recovery.nextId, id + 1);
    if (!segmentIds.has(id)) await removeIfPresent(ackPath(dir, id));
  }
  const newest = files.segments.at(-1);
  for (const id of files.segments) {
    recovery.nextId = Math.max(recovery.nextId, id + 1);
    const paths = { path: segmentPath(dir, id), ackPath: ackPath(dir, id) };
    const acks = files.acks.has(id)
      ? await readAcks(paths.ackPath)
      : { records: new Set<number>(), from: Infinity };
    const scan = await scanSegmentFile(paths.path, acks);
    recovery.corruptRecords += scan.corruptRecords;
    let bytes = scan.fileBytes;
    if (scan.validEnd < scan.fileBytes) {
      if (id === newest) {
        await truncate(paths.path, scan.validEnd);
        recovery.truncatedBytes += scan.fileBytes - scan.validEnd;
        bytes = scan.validEnd;
      } else {
        recovery.corruptRecords++;
      }
    }
    if (scan.settled === scan.records) {
      await removeIfPresent(paths.path);
      await removeIfPresent(paths.ackPath);
      continue;
    }
    const segment = newSegment(id, paths, scan.unread);
    segment.bytes = bytes;
    segment.readEnd = scan.validEnd;
    segment.records = scan.records;
    segment.settled = scan.settled;
    segment.holes = scan.holes.size > 0 ? scan.holes : undefined;
    segment.recoveredAcks = acks.records.size > 0 || acks.from !== Infinity;
    recovery.segments.push(segment);
  }
  return recovery;
}
