/**
 * Which file is which. A file is its (device, inode) pair while it exists; a fingerprint of its first bytes
 * tells a reused inode (a new file that got a deleted file's inode number) from the file a checkpoint was
 * written for, and notices a file whose content was replaced in place.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/** Bytes hashed once a file has that many; a shorter file is fingerprinted over what it has. */
const FINGERPRINT_BYTES = 256;

export interface Fingerprint {
  /** sha256 of the first `bytes` bytes, hex, shortened (collisions only need to be unlikely, not impossible). */
  hash: string;
  bytes: number;
}

export function identityKey(dev: bigint, ino: bigint): string {
  return `${dev}:${ino}`;
}

function hashPrefix(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

/** Reads up to `length` bytes from the start of the file. */
async function readPrefix(fh: FileHandle, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fh.read(buf, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buf.subarray(0, filled);
}

/** The fingerprint of the file as it is now (over min(size, FINGERPRINT_BYTES) bytes). */
export async function fingerprintOf(fh: FileHandle): Promise<Fingerprint> {
  const prefix = await readPrefix(fh, FINGERPRINT_BYTES);
  return { hash: hashPrefix(prefix), bytes: prefix.length };
}

/**
 * Compares the file's first `known.bytes` bytes with a known fingerprint. `same` is false when the file is
 * shorter than that or they differ; `current` is the file's fingerprint now (possibly over more bytes).
 */
export async function compareFingerprint(
  fh: FileHandle,
  known: Fingerprint,
): Promise<{ same: boolean; current: Fingerprint }> {
  const prefix = await readPrefix(fh, FINGERPRINT_BYTES);
  const current = { hash: hashPrefix(prefix), bytes: prefix.length };
  if (prefix.length < known.bytes) return { same: false, current };
  const same =
    prefix.length === known.bytes
      ? current.hash === known.hash
      : hashPrefix(prefix.subarray(0, known.bytes)) === known.hash;
  return { same, current };
}
