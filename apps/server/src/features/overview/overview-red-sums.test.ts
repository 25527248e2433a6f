import { describe, expect, it } from 'vitest';
import type { RedCell } from './overview-hour-cache.ts';
import type { RedCellRow } from './overview-queries.ts';
import { figuresOf, minuteBlockOf, RedTotals } from './overview-red-sums.ts';

const HOUR = 7200;
const buckets = (i: number, n: number) => Array.from({ length: 16 }, (_, b) => (b === i ? n : 0));

/** A minute row of `service` at minute m of HOUR: n requests in bucket 2, e of them errors, 1.25 ms each. */
const minuteRow = (service: string, m: number, n: number, e = 0, cluster = 'a'): RedCellRow => ({
  kind: 3,
  seg: 0,
  t: HOUR + m * 60,
  service,
  cluster,
  requests: n,
  failed: e,
  sum_ms: n * 1.25,
  buckets: buckets(2, n),
});

const cell = (service: string, n: number, cluster = 'a'): RedCell => ({
  service,
  cluster,
  requests: n,
  failed: 0,
  sumMs: n * 10,
  buckets: buckets(5, n),
});

describe('RedTotals', () => {
  it("adds any minutes of a cached hour exactly as the minutes' own sums", () => {
    const rows = [
      minuteRow('x', 0, 3, 1),
      minuteRow('x', 7, 5),
      minuteRow('x', 59, 11, 2),
      minuteRow('y', 7, 2),
      minuteRow('x', 8, 4, 0, 'b'),
    ];
    const block = minuteBlockOf(HOUR, rows);
    const totals = new RedTotals(undefined);
    totals.addMinutes(block, HOUR, { fromS: HOUR, toS: HOUR + 8 * 60 }, [1]); // minutes 0–7
    totals.addMinutes(block, HOUR, { fromS: HOUR + 8 * 60, toS: HOUR + 3600 }, [0, 3], 4); // 8–59
    const x = totals.services.get('x')!;
    expect(figuresOf(x.periods[1]!)).toMatchObject({ requests: 8, failed: 1, sum_ms: 10 });
    expect(x.periods[1]!.slice(3)).toEqual(buckets(2, 8));
    // Minutes 8–59 hold x's row at 59 in cluster a and at 8 in cluster b.
    expect(figuresOf(x.periods[0]!)).toMatchObject({ requests: 15, failed: 2, sum_ms: 18.75 });
    expect(x.steps.get(4)).toEqual(x.periods[0]);
    expect(totals.services.get('y')!.periods).toEqual([undefined, [2, 0, 2.5, ...buckets(2, 2)], undefined]);
    // The seen window: x had requests in minutes 8–59 in both clusters, y in none of them.
    expect([...totals.clusters]).toEqual([['x', new Set(['a', 'b'])]]);

    const onlyB = new RedTotals('b');
    onlyB.addMinutes(block, HOUR, { fromS: HOUR, toS: HOUR + 3600 }, [2]);
    expect([...onlyB.services.keys()]).toEqual(['x']);
    expect(onlyB.services.get('x')!.periods[2]![0]).toBe(4);
  });

  it('merges sums without copying them, and copies one before adding to it', () => {
    const memo = new RedTotals(undefined);
    memo.addCell(cell('x', 5), 0, 1);
    memo.addCell(cell('x', 7), 0, 2);
    memo.addCell(cell('x', 1, 'c'), 3);
    const before = structuredClone([...memo.services]);

    const call = new RedTotals(undefined);
    call.merge(memo);
    call.addCell(cell('x', 100), 0, 2); // an edge minute in step 2
    const x = call.services.get('x')!;
    expect([x.periods[0]![0], x.steps.get(1)![0], x.steps.get(2)![0]]).toEqual([112, 5, 107]);
    expect(x.steps.get(1)).toBe(memo.services.get('x')!.steps.get(1)); // untouched: shared
    expect([...memo.services]).toEqual(before); // the memo is as it was
    expect([...call.clusters]).toEqual([['x', new Set(['c'])]]);

    // A second merge adds to what is there.
    call.merge(memo);
    expect(call.services.get('x')!.periods[0]![0]).toBe(124);
    expect([...memo.services]).toEqual(before);
  });
});
