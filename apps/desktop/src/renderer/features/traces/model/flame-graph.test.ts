import { describe, expect, it } from 'vitest';
import { FLAG_CRITICAL, FLAG_ERROR } from './trace-analysis.ts';
import { fixtureModel, MS, SHOP } from './trace-fixture.ts';
import type { FlamedModel } from './trace-model.ts';

/** Every frame in preorder as [name, service, depth, calls, xMs, widthMs, selfMs, durationMs]. */
function frames(m: FlamedModel) {
  const g = m.flame;
  return Array.from(g.order, (f) => [
    m.strings[g.name[f] ?? 0],
    m.strings[g.service[f] ?? 0],
    g.depth[f],
    g.calls[f],
    (g.x[f] ?? 0) / MS,
    (g.totalNs[f] ?? 0) / MS,
    (g.selfNs[f] ?? 0) / MS,
    (g.durationNs[f] ?? 0) / MS,
  ]);
}

describe('flame graph', () => {
  it('lays out the checkout: widths are self times plus children, children packed from the left by start', () => {
    const m = fixtureModel(SHOP);
    expect(frames(m)).toEqual([
      ['GET /checkout', 'shop-web', 0, 1, 0, 130, 15, 120],
      ['get cart', 'shop-basket', 1, 1, 0, 20, 20, 20],
      ['place order', 'shop-orders', 1, 1, 20, 95, 20, 85],
      ['reserve stock', 'shop-stock', 2, 1, 20, 15, 15, 15],
      ['charge card', 'shop-payments', 2, 1, 35, 60, 45, 60],
      ['INSERT payments', 'shop-db', 3, 1, 35, 15, 15, 15],
    ]);
    // Parallel work (reserve stock beside charge card) makes the graph wider than the 120 ms trace.
    expect(m.flame.widthNs / MS).toBe(130);
    expect(m.flame.maxDepth).toBe(3);
    expect(Array.from(m.flame.subtree, (s, f) => [m.strings[m.flame.name[f] ?? 0], s])).toEqual([
      ['GET /checkout', 6],
      ['get cart', 1],
      ['place order', 4],
      ['reserve stock', 1],
      ['charge card', 2],
      ['INSERT payments', 1],
    ]);
    const f = (name: string) => m.flame.frameOf[SHOP.findIndex((s) => s.name === name)] ?? -1;
    expect((m.flame.flags[f('charge card')] ?? 0) & (FLAG_CRITICAL | FLAG_ERROR)).toBe(
      FLAG_CRITICAL | FLAG_ERROR,
    );
    expect((m.flame.flags[f('reserve stock')] ?? 0) & FLAG_CRITICAL).toBe(0);
  });

  it('merges the calls of one path, keeps the same operation under another parent apart, selects the longest', () => {
    const m = fixtureModel([
      { id: '1', parent: '', name: 'GET /list', service: 'web', startMs: 0, endMs: 100 },
      { id: '2', parent: '1', name: 'SELECT item', service: 'db', startMs: 10, endMs: 20 },
      { id: '3', parent: '1', name: 'render', service: 'web', startMs: 5, endMs: 8 },
      { id: '4', parent: '1', name: 'SELECT item', service: 'db', startMs: 30, endMs: 55 },
      { id: '5', parent: '1', name: 'SELECT item', service: 'db', startMs: 60, endMs: 70 },
      { id: '6', parent: '1', name: 'SELECT item', service: 'cache', startMs: 80, endMs: 81 },
      { id: '7', parent: '3', name: 'SELECT item', service: 'db', startMs: 6, endMs: 7 },
    ]);
    expect(frames(m)).toEqual([
      ['GET /list', 'web', 0, 1, 0, 100, 51, 100],
      ['render', 'web', 1, 1, 0, 3, 2, 3],
      ['SELECT item', 'db', 2, 1, 0, 1, 1, 1],
      ['SELECT item', 'db', 1, 3, 3, 45, 45, 45],
      ['SELECT item', 'cache', 1, 1, 48, 1, 1, 1],
    ]);
    const selects = m.flame.frameOf[1] ?? -1;
    expect(m.flame.frameOf[3]).toBe(selects);
    expect(m.flame.frameOf[4]).toBe(selects);
    // A click on the merged frame selects its longest call (30–55 ms).
    expect(m.flame.span[selects]).toBe(3);
  });

  it('puts several roots side by side and handles an empty trace', () => {
    const m = fixtureModel([
      { id: '1', parent: '', name: 'job', service: 'worker', startMs: 0, endMs: 10 },
      { id: '2', parent: '', name: 'job', service: 'worker', startMs: 20, endMs: 25 },
      { id: '3', parent: 'ff', name: 'orphan', service: 'worker', startMs: 3, endMs: 4 },
    ]);
    expect(frames(m)).toEqual([
      ['job', 'worker', 0, 2, 0, 15, 15, 15],
      ['orphan', 'worker', 0, 1, 15, 1, 1, 1],
    ]);
    const empty = fixtureModel([]);
    expect(empty.flame.count).toBe(0);
    expect(empty.flame.widthNs).toBe(0);
  });
});
