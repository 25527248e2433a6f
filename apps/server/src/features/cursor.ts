/**
 * Keyset cursors: what a page hands back so the next request continues after its last row. Opaque to
 * callers, checked part by part when they come back.
 */
import { z } from 'zod';
import { BadRequestError } from './domain-errors.ts';

/** An opaque, URL-safe keyset cursor. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** A check of one part of a decoded cursor. */
export type CursorPart = (part: string) => boolean;

const INT64_MAX = 9_223_372_036_854_775_807n;
const UINT64_MAX = 18_446_744_073_709_551_615n;

/** Nanoseconds since the epoch, as a stored DateTime64(9) can hold them. */
export const nanosPart: CursorPart = (p) => /^\d{1,19}$/.test(p) && BigInt(p) <= INT64_MAX;
/** A UInt64 (a row hash). */
export const uint64Part: CursorPart = (p) => /^\d{1,20}$/.test(p) && BigInt(p) <= UINT64_MAX;
/** Milliseconds since the epoch (an aggregate's latest time). */
export const millisPart: CursorPart = (p) => /^-?\d{1,16}$/.test(p);
/** A text key of a row (an instance name, a call's peer, an exception message), as stored. */
export const textPart: CursorPart = (p) => p.length <= 4096;
/** A trace or span id as stored: lower-case hex. */
export const hexIdPart: CursorPart = (p) => /^[0-9a-f]{0,64}$/.test(p);

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((p) => typeof p === 'string');
}

/**
 * The parts of a cursor a previous page returned, each checked: anything else (tampered, truncated, made
 * up) is a 400, never a value that reaches the SQL and fails there.
 */
export function decodeCursor(cursor: string, parts: readonly CursorPart[]): string[] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      isStringList(decoded) &&
      decoded.length === parts.length &&
      parts.every((check, i) => check(decoded[i] ?? ''))
    )
      return decoded;
  } catch {
    // fall through to the error below
  }
  throw new BadRequestError('invalid cursor: pass back the nextCursor of a previous page unchanged');
}

/** A cursor as an input field: a previous page's nextCursor (a few dozen characters). */
export const cursorInput = z.string().min(1).max(256);
/**
 * A cursor that carries a row's text key (a call's peer and table, an exception's message): longer, as
 * the key is. Still bounded: the parts are checked against `textPart` when it comes back.
 */
export const keyCursorInput = z.string().min(1).max(16_384);
