import { crc32 } from 'node:zlib';
import type { SignalType } from '@apo/shared/model';
import type { OutboundBatch } from '../batch.ts';

/**
 * On-disk framing of one queued batch:
 *
 *   [u32 LE payload length][u32 LE crc32(payload)][payload]
 *   payload = [u32 LE header length][header: UTF-8 JSON][body bytes]
 *
 * The length comes first so a reader can skip a record without parsing it; the checksum covers the whole
 * payload, so a torn write (kill -9 mid-write) or a flipped bit is detected before anything is sent. The
 * header is JSON because it is tiny next to the body and stays readable and extensible without a format
 * version; the body is stored exactly as it will be sent (already encoded and compressed).
 */
export const FRAME_PREFIX_BYTES = 8;
const HEADER_LENGTH_BYTES = 4;

/** What a consumer needs about a record without reading its body: kept in recovery scans and stats. */
interface RecordHeader {
  signal: SignalType;
  batchId: string;
  contentType: OutboundBatch['contentType'];
  contentEncoding: OutboundBatch['contentEncoding'];
  items: number;
  headers?: Readonly<Record<string, string>>;
}

/** A frame as buffers to hand to `writev` (the body is not copied), and its total size on disk. */
export interface EncodedFrame {
  buffers: [Buffer, Buffer];
  bytes: number;
}

export function encodeFrame(batch: OutboundBatch): EncodedFrame {
  const header: RecordHeader = {
    signal: batch.signal,
    batchId: batch.batchId,
    contentType: batch.contentType,
    contentEncoding: batch.contentEncoding,
    items: batch.items,
  };
  if (batch.headers !== undefined && Object.keys(batch.headers).length > 0) header.headers = batch.headers;
  const headerText = Buffer.from(JSON.stringify(header), 'utf8');
  const body = Buffer.from(batch.body.buffer, batch.body.byteOffset, batch.body.byteLength);
  const prefix = Buffer.allocUnsafe(FRAME_PREFIX_BYTES + HEADER_LENGTH_BYTES + headerText.length);
  const payloadLength = HEADER_LENGTH_BYTES + headerText.length + body.length;
  prefix.writeUInt32LE(payloadLength, 0);
  prefix.writeUInt32LE(headerText.length, FRAME_PREFIX_BYTES);
  headerText.copy(prefix, FRAME_PREFIX_BYTES + HEADER_LENGTH_BYTES);
  const crc = crc32(body, crc32(prefix.subarray(FRAME_PREFIX_BYTES)));
  prefix.writeUInt32LE(crc, 4);
  return { buffers: [prefix, body], bytes: FRAME_PREFIX_BYTES + payloadLength };
}

const signals: ReadonlySet<string> = new Set<SignalType>(['traces', 'logs', 'metrics']);
const contentTypes: ReadonlySet<string> = new Set(['application/x-protobuf', 'application/json']);
const contentEncodings: ReadonlySet<string> = new Set(['gzip', 'zstd', 'identity']);

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/** Parses the header of a checksum-valid payload; undefined when it is not one of ours (treated as corrupt). */
function parseHeader(text: string): RecordHeader | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const h = raw as Record<string, unknown>;
  if (
    typeof h.signal !== 'string' ||
    !signals.has(h.signal) ||
    typeof h.batchId !== 'string' ||
    typeof h.contentType !== 'string' ||
    !contentTypes.has(h.contentType) ||
    typeof h.contentEncoding !== 'string' ||
    !contentEncodings.has(h.contentEncoding) ||
    typeof h.items !== 'number' ||
    !Number.isSafeInteger(h.items) ||
    h.items < 0 ||
    (h.headers !== undefined && !isStringRecord(h.headers))
  ) {
    return undefined;
  }
  const header: RecordHeader = {
    signal: h.signal as SignalType,
    batchId: h.batchId,
    contentType: h.contentType as RecordHeader['contentType'],
    contentEncoding: h.contentEncoding as RecordHeader['contentEncoding'],
    items: h.items,
  };
  if (h.headers !== undefined) header.headers = h.headers;
  return header;
}

export type FrameCheck =
  | { ok: true; header: RecordHeader; bodyStart: number; frameBytes: number }
  | { ok: false; reason: 'short' | 'checksum' | 'header' };

/**
 * Checks the frame that starts at `offset` of `buf` (which holds the file from some position on):
 * 'short' when the buffer ends before the frame does (a torn tail, or a corrupt length field).
 */
export function checkFrame(buf: Buffer, offset: number): FrameCheck {
  if (buf.length - offset < FRAME_PREFIX_BYTES) return { ok: false, reason: 'short' };
  const payloadLength = buf.readUInt32LE(offset);
  const payloadStart = offset + FRAME_PREFIX_BYTES;
  if (payloadLength > buf.length - payloadStart) return { ok: false, reason: 'short' };
  if (payloadLength < HEADER_LENGTH_BYTES) return { ok: false, reason: 'header' };
  const payload = buf.subarray(payloadStart, payloadStart + payloadLength);
  if (crc32(payload) !== buf.readUInt32LE(offset + 4)) return { ok: false, reason: 'checksum' };
  const headerLength = payload.readUInt32LE(0);
  if (headerLength > payloadLength - HEADER_LENGTH_BYTES) return { ok: false, reason: 'header' };
  const header = parseHeader(
    payload.toString('utf8', HEADER_LENGTH_BYTES, HEADER_LENGTH_BYTES + headerLength),
  );
  if (header === undefined) return { ok: false, reason: 'header' };
  return {
    ok: true,
    header,
    bodyStart: payloadStart + HEADER_LENGTH_BYTES + headerLength,
    frameBytes: FRAME_PREFIX_BYTES + payloadLength,
  };
}

/** Rebuilds the batch from a frame that `checkFrame` accepted; the body is a view into `buf`. */
export function batchOf(
  buf: Buffer,
  check: Extract<FrameCheck, { ok: true }>,
  frameStart: number,
): OutboundBatch {
  const { header } = check;
  const batch: OutboundBatch = {
    signal: header.signal,
    batchId: header.batchId,
    contentType: header.contentType,
    contentEncoding: header.contentEncoding,
    items: header.items,
    // A copy (TypedArray slice), not a view: the frame may sit in a large read-ahead window, and a record
    // held for long (the agent's sampling journal holds them for the whole decision window) would keep
    // the whole window alive.
    body: new Uint8Array(
      buf.buffer,
      buf.byteOffset + check.bodyStart,
      frameStart + check.frameBytes - check.bodyStart,
    ).slice(),
  };
  if (header.headers !== undefined) batch.headers = header.headers;
  return batch;
}
