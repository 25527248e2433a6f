import { z } from 'zod';
import { BadRequestError } from '../trpc/errors.ts';

/** Times on the API are milliseconds since the epoch; storage keeps nanoseconds. */
export const timeRangeInput = z.object({
  from: z.number().int().nonnegative(),
  to: z.number().int().positive(),
  cluster: z.string().min(1).max(64).optional(),
});

export function checkRange(range: { from: number; to: number }): void {
  if (range.to <= range.from)
    throw new BadRequestError(`empty time range: to (${range.to}) must be after from (${range.from})`);
}

/** An opaque, URL-safe keyset cursor. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, size: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === size && parts.every((p) => typeof p === 'string'))
      return parts;
  } catch {
    // fall through to the error below
  }
  throw new BadRequestError('invalid cursor: pass back the nextCursor of a previous page unchanged');
}

export const nsDecimal = /^\d{1,20}$/;
