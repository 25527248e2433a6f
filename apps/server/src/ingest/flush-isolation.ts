/**
 * When the engine refuses a flush's rows (not "unavailable": see storage-failure.ts), one request is usually
 * the cause and the others are fine. Rather than answer every request of the flush with an error that makes
 * all of them retry for ever, the flush is stored again in parts, under the same flush id, to find the
 * request(s) the engine refuses: halves, then halves of the halves that fail (a bisection), so one bad
 * request among n costs about 2·log2(n) inserts.
 *
 * Every row carries the flush id (encoded before the flush starts), so the rows of a failed part cannot be
 * told from those of the parts stored before it: after a refused part, the flush's rows are all removed and
 * the parts known good are inserted again. Failures are rare; this path is not the hot one.
 */
import { classifyStorageFailure } from './storage-failure.ts';

/** Where one unit's (a request's) rows lie in the flush's writer of one table. */
export interface Slice<Table extends string = string> {
  table: Table;
  start: number;
  end: number;
  rows: number;
}

export interface IsolationIo<Table extends string> {
  /** Stores bytes [start, end) of the flush's writer of `table`: `rows` whole rows. */
  insert(table: Table, start: number, end: number, rows: number): Promise<void>;
  /** Removes every row of the flush from every data table. */
  removeFlush(): Promise<void>;
}

export type IsolationOutcome =
  | {
      kind: 'isolated';
      /** Units whose rows are stored now. */
      stored: Set<number>;
      /** Units the engine refused alone, with the reason to tell their senders. */
      refused: Map<number, string>;
    }
  | { kind: 'unavailable'; cause: unknown };

/**
 * `tables` in write order. `units` in the order their rows were appended, so any run of consecutive units is one byte range per
 * table. `firstReason`: why the whole flush was refused (a single unit is refused with it without a retry).
 * `maxAttempts` bounds the inserts tried, so a flush the engine refuses in every part cannot keep the writer
 * busy for long; beyond it the outcome is `unavailable` and the senders retry.
 */
export async function isolateRefusal<Table extends string>(
  tables: readonly Table[],
  units: readonly (readonly Slice<Table>[])[],
  firstReason: string,
  io: IsolationIo<Table>,
  maxAttempts: number,
): Promise<IsolationOutcome> {
  const stored = new Set<number>();
  const refused = new Map<number, string>();
  if (units.length === 1) {
    refused.set(0, firstReason);
    return { kind: 'isolated', stored, refused };
  }
  const good: [number, number][] = [];
  const insertRun = async (from: number, to: number) => {
    for (const table of tables) {
      let start = -1;
      let end = -1;
      let rows = 0;
      for (let u = from; u < to; u++) {
        for (const s of units[u]!) {
          if (s.table !== table) continue;
          if (start < 0) start = s.start;
          end = s.end;
          rows += s.rows;
        }
      }
      if (rows > 0) await io.insert(table, start, end, rows);
    }
  };
  // Left halves first: a stack, so push the right half before the left.
  const mid = Math.ceil(units.length / 2);
  const todo: [number, number][] = [
    [mid, units.length],
    [0, mid],
  ];
  let attempts = 0;
  try {
    while (todo.length > 0) {
      const [from, to] = todo.pop()!;
      if (++attempts > maxAttempts) {
        return {
          kind: 'unavailable',
          cause: new Error(`isolating a refused flush needed more than ${maxAttempts} inserts`),
        };
      }
      try {
        await insertRun(from, to);
        good.push([from, to]);
        continue;
      } catch (err) {
        const failure = classifyStorageFailure(err);
        if (failure.kind === 'unavailable') return { kind: 'unavailable', cause: err };
        await io.removeFlush();
        for (const [a, b] of good) await insertRun(a, b);
        if (to - from === 1) {
          refused.set(from, failure.reason);
        } else {
          const half = from + Math.ceil((to - from) / 2);
          todo.push([half, to], [from, half]);
        }
      }
    }
  } catch (err) {
    // A removal, or a re-insert of parts stored a moment ago, failed: treat it as the storage's problem.
    return { kind: 'unavailable', cause: err };
  }
  for (const [a, b] of good) for (let u = a; u < b; u++) stored.add(u);
  return { kind: 'isolated', stored, refused };
}
