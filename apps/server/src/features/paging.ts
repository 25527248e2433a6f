/**
 * Keyset paging. Newest-first over rows without a unique key (log records, events): a page ends at a
 * (time, row hash) pair, and the next one continues strictly below it. Any other order: `keysetPage` cuts
 * a page read with `LIMIT limit + 1` and makes the cursor from its last row's sort key.
 */
import { decodeCursor, encodeCursor, nanosPart, uint64Part } from './cursor.ts';
import type { SearchFilters } from './search-filters.ts';

/** Adds "strictly below the cursor's (time, row hash)" to the filters; `hash` is the SQL of the row hash. */
export function continueAfter(cursor: string | undefined, hash: string, filters: SearchFilters): void {
  if (cursor === undefined) return;
  const [ts, h] = decodeCursor(cursor, [nanosPart, uint64Part]);
  filters.add(`(ts, ${hash}) < (fromUnixTimestamp64Nano({cTs:Int64}), {cHash:UInt64})`, {
    cTs: ts,
    cHash: h,
  });
}

/** The page of rows read with `LIMIT limit + 1` (ordered by ts, row hash, descending) and its next cursor. */
export function newestFirstPage<Row extends { ts_ns: bigint; row_hash: bigint }, Item>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(view),
    nextCursor:
      rows.length > limit && last ? encodeCursor([last.ts_ns.toString(), last.row_hash.toString()]) : null,
  };
}

/** The first `limit` rows (read with `LIMIT limit + 1`) and, when there were more, the last one's cursor. */
export function keysetPage<Row>(
  rows: readonly Row[],
  limit: number,
  sortKey: (row: Row) => readonly string[],
): { rows: Row[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: rows.length > limit && last ? encodeCursor(sortKey(last)) : null };
}
