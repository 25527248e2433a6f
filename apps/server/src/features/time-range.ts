import { z } from 'zod';
import { BadRequestError } from '../trpc/errors.ts';
import type { SearchFilters } from './search-filters.ts';

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

/**
 * Newest-first keyset paging over rows without a unique key (log records, events): a page ends at a
 * (time, row hash) pair, and the next one continues strictly below it. `hash` is the SQL of the row hash.
 */
export function continueAfter(cursor: string | undefined, hash: string, filters: SearchFilters): void {
  if (cursor === undefined) return;
  const [ts, h] = decodeCursor(cursor, 2);
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
