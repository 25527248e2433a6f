import { z } from 'zod';
import { BadRequestError } from '../trpc/errors.ts';
import type { SearchFilters } from './search-filters.ts';

/**
 * The latest time the API accepts, in ms: storage keeps nanoseconds in a signed 64-bit DateTime64(9), which
 * ends in April 2262. A later time cannot be converted, so it is refused here rather than failing in SQL.
 */
const MAX_TIME_MS = 9_223_372_036_854;

// Not `.int()`: it adds its own safe-integer bound, and a time past 2262 would be reported twice.
const timeMs = z
  .number()
  .min(0, 'must be at least 0 (ms since the epoch)')
  .max(MAX_TIME_MS, `must be at most ${MAX_TIME_MS} (ms since the epoch; storage ends in the year 2262)`)
  .refine(Number.isInteger, 'must be a whole number of ms since the epoch');

/**
 * The input of a procedure over a time range: `from` and `to` (ms since the epoch, [from, to)), an optional
 * cluster, and the procedure's own fields. The range is checked here, once, for every procedure.
 */
export function timeRangeInput<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object({ from: timeMs, to: timeMs, cluster: z.string().min(1).max(64).optional(), ...shape })
    .superRefine((value, ctx) => {
      // The output always has from and to (they are in the object above); TypeScript cannot see it
      // through the generic shape.
      const range = value as unknown as { from: number; to: number };
      if (range.to <= range.from)
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `empty time range: must be after from (${range.from}), got ${range.to}`,
        });
    });
}

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
const uint64Part: CursorPart = (p) => /^\d{1,20}$/.test(p) && BigInt(p) <= UINT64_MAX;
/** A trace or span id as stored: lower-case hex. */
export const hexIdPart: CursorPart = (p) => /^[0-9a-f]{0,64}$/.test(p);

/**
 * The parts of a cursor a previous page returned, each checked: anything else (tampered, truncated, made
 * up) is a 400, never a value that reaches the SQL and fails there.
 */
export function decodeCursor(cursor: string, parts: readonly CursorPart[]): string[] {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(decoded) &&
      decoded.length === parts.length &&
      decoded.every((p, i) => typeof p === 'string' && parts[i]!(p))
    )
      return decoded as string[];
  } catch {
    // fall through to the error below
  }
  throw new BadRequestError('invalid cursor: pass back the nextCursor of a previous page unchanged');
}

/** A cursor as an input field: a previous page's nextCursor (a few dozen characters). */
export const cursorInput = z.string().min(1).max(256);

/**
 * Newest-first keyset paging over rows without a unique key (log records, events): a page ends at a
 * (time, row hash) pair, and the next one continues strictly below it. `hash` is the SQL of the row hash.
 */
export function continueAfter(cursor: string | undefined, hash: string, filters: SearchFilters): void {
  if (cursor === undefined) return;
  const [ts, h] = decodeCursor(cursor, [nanosPart, uint64Part]);
  filters.add(`(ts, ${hash}) < (fromUnixTimestamp64Nano({cTs:Int64}), {cHash:UInt64})`, {
    cTs: ts,
    cHash: h,
  });
}

/** The page of rows read with `LIMIT limit + 1` (ordered by ts, row hash, descending) and its next cursor. */
export function newestFirstPage<Row extends { ts_ns: string; row_hash: string }, Item>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor([last.ts_ns, last.row_hash]) : null,
  };
}
