import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/**
 * The acknowledgement sidecar of one segment (`000000000001.ack` next to `000000000001.seg`).
 *
 * Why a sidecar per segment rather than one commit log for the queue: acks arrive out of order (several
 * requests in flight), so a single "consumed up to here" offset cannot describe progress; a per-segment
 * list of settled record offsets can. It is append-only (one 12-byte `write()` per ack, no rewrite), its
 * size is bounded by the records of its segment, and it is deleted together with the segment once every
 * record in it is settled — so it never needs compaction, which a queue-wide commit log would.
 *
 * Entry: [u32 LE kind][u32 LE offset][u32 LE crc32 of the first 8 bytes]. A torn or corrupt entry is
 * ignored: losing an ack only means the record is delivered again, and the batch id makes that harmless.
 */
const ACK_ENTRY_BYTES = 12;

export const AckKind = {
  /** The record that starts at `offset` is settled (delivered, rejected or dropped). */
  record: 1,
  /** Every record that starts at or after `offset` is settled (the rest of the segment was dropped). */
  from: 2,
} as const;
export type AckKind = (typeof AckKind)[keyof typeof AckKind];

export function encodeAck(kind: AckKind, offset: number): Buffer {
  const entry = Buffer.allocUnsafe(ACK_ENTRY_BYTES);
  entry.writeUInt32LE(kind, 0);
  entry.writeUInt32LE(offset, 4);
  entry.writeUInt32LE(crc32(entry.subarray(0, 8)), 8);
  return entry;
}

/** What a segment's sidecar says: settled record offsets, and where a dropped tail begins (if any). */
export interface SegmentAcks {
  records: Set<number>;
  /** Records at or after this offset are settled; Infinity when no tail was dropped. */
  from: number;
}

function decodeAcks(buf: Buffer): SegmentAcks {
  const acks: SegmentAcks = { records: new Set(), from: Infinity };
  for (let at = 0; at + ACK_ENTRY_BYTES <= buf.length; at += ACK_ENTRY_BYTES) {
    if (crc32(buf.subarray(at, at + 8)) !== buf.readUInt32LE(at + 8)) continue;
    const kind = buf.readUInt32LE(at);
    const offset = buf.readUInt32LE(at + 4);
    if (kind === AckKind.record) acks.records.add(offset);
    else if (kind === AckKind.from) acks.from = Math.min(acks.from, offset);
  }
  return acks;
}

export async function readAcks(path: string): Promise<SegmentAcks> {
  try {
    return decodeAcks(await readFile(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: new Set(), from: Infinity };
    throw err;
  }
}

export function isSettled(acks: SegmentAcks, offset: number): boolean {
  return offset >= acks.from || acks.records.has(offset);
}
