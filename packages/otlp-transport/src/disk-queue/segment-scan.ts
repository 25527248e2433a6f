import { readFile } from 'node:fs/promises';
import { isSettled, type SegmentAcks } from './ack-log.ts';
import { checkFrame, FRAME_PREFIX_BYTES } from './record-frame.ts';
import { addTally, emptyTallies, type SignalTallies } from './signal-tally.ts';

/** What recovery learned about one segment file: enough to serve it later without re-scanning it. */
export interface SegmentScan {
  /** Valid records in the file, settled or not. */
  records: number;
  /** Valid records the sidecar marks as settled. */
  settled: number;
  /** Unsettled records per signal: batches, items, frame bytes. */
  unread: SignalTallies;
  /** Where valid data ends: a bad tail starts here (equals the file size when there is none). */
  validEnd: number;
  fileBytes: number;
  /** Corrupt ranges inside the file (start → offset of the next valid frame), for the reader to jump over. */
  holes: Map<number, number>;
  /** Corrupt records skipped inside the file (a bad tail is reported through `validEnd` instead). */
  corruptRecords: number;
}

/**
 * The header-length word and the JSON brace of our payload header: a cheap filter that makes resync
 * candidates rare before paying for a checksum over a candidate's whole length.
 */
function looksLikeFrame(buf: Buffer, p: number): boolean {
  const payloadLength = buf.readUInt32LE(p);
  if (payloadLength < 5 || payloadLength > buf.length - p - FRAME_PREFIX_BYTES) return false;
  const headerLength = buf.readUInt32LE(p + FRAME_PREFIX_BYTES);
  return (
    headerLength < 65_536 && headerLength <= payloadLength - 4 && buf[p + FRAME_PREFIX_BYTES + 4] === 0x7b
  );
}

/** The offset of the next valid frame at or after `from`, or -1: used to step over a corrupt length field. */
function resync(buf: Buffer, from: number): number {
  for (let p = from; p + FRAME_PREFIX_BYTES + 5 <= buf.length; p++) {
    if (looksLikeFrame(buf, p) && checkFrame(buf, p).ok) return p;
  }
  return -1;
}

/**
 * Walks every frame of a segment. A bad frame followed by a valid one is corruption in place (a flipped
 * bit): it is skipped and counted, and the walk goes on at the declared length when that lands on a valid
 * frame, or at the next valid frame found byte by byte. A bad frame with nothing valid after it is a torn
 * tail (kill -9 or power loss mid-write): the walk stops there and reports `validEnd`. `from` starts the
 * walk at a known frame boundary (re-checking the rest of a segment after a read found it corrupt).
 */
export function scanSegmentBuffer(buf: Buffer, acks: SegmentAcks, from = 0): SegmentScan {
  const scan: SegmentScan = {
    records: 0,
    settled: 0,
    unread: emptyTallies(),
    validEnd: buf.length,
    fileBytes: buf.length,
    holes: new Map(),
    corruptRecords: 0,
  };
  let offset = from;
  while (offset < buf.length) {
    const check = checkFrame(buf, offset);
    if (check.ok) {
      scan.records++;
      if (isSettled(acks, offset)) scan.settled++;
      else addTally(scan.unread, check.header.signal, 1, check.header.items, check.frameBytes);
      offset += check.frameBytes;
      continue;
    }
    let next = -1;
    if (check.reason !== 'short') {
      const declared = offset + FRAME_PREFIX_BYTES + buf.readUInt32LE(offset);
      if (declared < buf.length && checkFrame(buf, declared).ok) next = declared;
    }
    if (next < 0) next = resync(buf, offset + 1);
    if (next < 0) {
      scan.validEnd = offset;
      break;
    }
    scan.holes.set(offset, next);
    scan.corruptRecords++;
    offset = next;
  }
  return scan;
}

export async function scanSegmentFile(path: string, acks: SegmentAcks): Promise<SegmentScan> {
  return scanSegmentBuffer(await readFile(path), acks);
}
