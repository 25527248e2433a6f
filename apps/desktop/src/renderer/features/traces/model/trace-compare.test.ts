import { describe, expect, it } from 'vitest';
import { compareNow, compareTraces, type TraceComparison } from './trace-compare.ts';
import { fixtureModel, MS, SHOP, type FixtureSpan } from './trace-fixture.ts';

/** The checkout again, slower: charge card retried (an added call path), no stock reserved, a second insert. */
const SHOP_B: FixtureSpan[] = [
  { id: 'b01', parent: '', name: 'GET /checkout', service: 'shop-web', startMs: 0, endMs: 180 },
  { id: 'b02', parent: 'b01', name: 'get cart', service: 'shop-basket', startMs: 5, endMs: 26 },
  { id: 'b03', parent: 'b01', name: 'place order', service: 'shop-orders', startMs: 30, endMs: 175 },
  { id: 'b05', parent: 'b03', name: 'charge card', service: 'shop-payments', startMs: 40, endMs: 160 },
  { id: 'b06', parent: 'b05', name: 'INSERT payments', service: 'shop-db', startMs: 45, endMs: 60 },
  { id: 'b07', parent: 'b05', name: 'retry charge', service: 'shop-payments', startMs: 100, endMs: 150 },
  { id: 'b08', parent: 'b07', name: 'INSERT payments', service: 'shop-db', startMs: 110, endMs: 125 },
];

const table = (c: TraceComparison) =>
  c.rows.map((r) => [
    '  '.repeat(r.depth) + r.name,
    r.a === null ? null : r.a.durationNs / MS,
    r.b === null ? null : r.b.durationNs / MS,
    r.deltaNs / MS,
    r.change,
  ]);

describe('trace comparison', () => {
  const a = fixtureModel(SHOP);
  const b = fixtureModel(SHOP_B);

  it('aligns the call paths of two runs and marks what was added, missing, slower — with the deltas', () => {
    const c = compareNow(a, b, { percent: 10, minNs: 1 * MS });
    expect(table(c)).toEqual([
      ['GET /checkout', 120, 180, 60, 'slower'],
      ['  get cart', 20, 21, 1, 'same'],
      ['  place order', 85, 145, 60, 'slower'],
      ['    reserve stock', 15, null, -15, 'missing'],
      ['    charge card', 60, 120, 60, 'slower'],
      ['      INSERT payments', 15, 15, 0, 'same'],
      ['      retry charge', null, 50, 50, 'added'],
      ['        INSERT payments', null, 15, 15, 'added'],
    ]);
    expect(c.counts).toEqual({ same: 2, added: 2, missing: 1, slower: 3, faster: 0 });
    expect(c.rows.map((r) => r.changedBelow)).toEqual([true, false, true, true, true, false, true, true]);
    expect(c.rows[4]?.a).toEqual({ calls: 1, durationNs: 60 * MS, selfNs: 45 * MS, span: 4 });
    expect(c.rows[4]?.b?.selfNs).toBe(55 * MS);
  });

  it('the threshold decides what counts as changed: percent of the first and an absolute floor', () => {
    const loose = compareNow(a, b, { percent: 90, minNs: 1 * MS });
    expect(loose.rows.filter((r) => r.change === 'slower').map((r) => r.name)).toEqual(['charge card']);
    const floor = compareNow(b, a, { percent: 1, minNs: 59 * MS });
    // Reversed: the first trace is the slow one, so the changes read faster; only the 60 ms ones pass the floor.
    expect(floor.rows.filter((r) => r.change === 'faster').map((r) => r.name)).toEqual([
      'GET /checkout',
      'place order',
      'charge card',
    ]);
    expect(floor.counts.added).toBe(1);
    expect(floor.counts.missing).toBe(2);
  });

  it('a trace against itself: every path the same; yields while it works through many paths', () => {
    const wide: FixtureSpan[] = [
      { id: '1', parent: '', name: 'batch', service: 'w', startMs: 0, endMs: 5000 },
    ];
    for (let i = 0; i < 4999; i++)
      wide.push({
        id: (i + 2).toString(16),
        parent: '1',
        name: `item ${i}`,
        service: 'w',
        startMs: i,
        endMs: i + 1,
      });
    const m = fixtureModel(wide);
    const gen = compareTraces(m, m, { percent: 10, minNs: 0 });
    let yields = 0;
    let step = gen.next();
    while (step.done !== true) {
      yields++;
      step = gen.next();
    }
    expect(yields).toBe(5);
    expect(step.value.rows).toHaveLength(5000);
    expect(step.value.counts.same).toBe(5000);
  });
});
