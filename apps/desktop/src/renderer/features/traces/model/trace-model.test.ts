import { describe, expect, it } from 'vitest';
import { StringDictionary, writeHexId } from '@apo/shared/console';
import { FLAG_CRITICAL, FLAG_ERROR, FLAG_ERROR_ORIGIN, FLAG_ERROR_PATH } from './trace-analysis.ts';
import { ColumnsBuilder } from './columns-builder.ts';
import { buildTraceModel, type TraceModel } from './trace-model.ts';
import { collapseToDepth, reveal, searchSpans, spanIdHex, visibleRows } from './trace-rows.ts';

interface S {
  id: string;
  parent: string;
  name: string;
  service: string;
  startMs: number;
  endMs: number;
  error?: boolean;
}

const MS = 1e6;

function model(spans: S[]): TraceModel {
  const b = new ColumnsBuilder();
  const dict = new StringDictionary();
  for (const s of spans) {
    const i = b.reserve(1);
    const c = b.columns;
    writeHexId(s.id, c.spanIds, 2 * i);
    writeHexId(s.parent, c.parentIds, 2 * i);
    c.name[i] = dict.add(s.name);
    c.service[i] = dict.add(s.service);
    c.startNs[i] = (s.startMs + 5) * MS;
    c.durationNs[i] = (s.endMs - s.startMs) * MS;
    c.status[i] = s.error === true ? 2 : 0;
  }
  return buildTraceModel({ traceId: 't', baseNs: '1000', strings: dict.strings, columns: b.finish() });
}

// A(0-100) → B(10-40) → D(15-35, error); A → C(20-90) → E(30-80, error). Given out of order.
const shop: S[] = [
  { id: 'e', parent: 'c', name: 'charge', service: 'payment', startMs: 30, endMs: 80, error: true },
  { id: 'a', parent: '', name: 'GET /checkout', service: 'frontend', startMs: 0, endMs: 100 },
  { id: 'd', parent: 'b', name: 'SELECT cart', service: 'db', startMs: 15, endMs: 35, error: true },
  { id: 'c', parent: 'a', name: 'place order', service: 'checkout', startMs: 20, endMs: 90 },
  { id: 'b', parent: 'a', name: 'get cart', service: 'cart', startMs: 10, endMs: 40 },
];

const names = (m: TraceModel, rows: ArrayLike<number>) =>
  Array.from(rows, (i) => m.strings[m.columns.name[i] ?? 0]);
const byName = (m: TraceModel, name: string) => {
  for (let i = 0; i < m.columns.count; i++) if (m.strings[m.columns.name[i] ?? 0] === name) return i;
  throw new Error(name);
};

describe('trace model', () => {
  const m = model(shop);

  it('orders rows parent first, children by start, with depths, and rebases times to the first start', () => {
    expect(names(m, m.tree.order)).toEqual([
      'GET /checkout',
      'get cart',
      'SELECT cart',
      'place order',
      'charge',
    ]);
    expect(Array.from(m.tree.order, (i) => m.tree.depth[i])).toEqual([0, 1, 2, 1, 2]);
    expect(m.baseNs).toBe(String(1000 + 5 * MS));
    expect(m.columns.startNs[byName(m, 'GET /checkout')]).toBe(0);
    expect(m.endNs).toBe(100 * MS);
    expect(m.depthCounts).toEqual([1, 2, 2]);
  });

  it('self time is the time no child covers', () => {
    const self = (n: string) => (m.selfNs[byName(m, n)] ?? 0) / MS;
    expect([self('GET /checkout'), self('get cart'), self('place order'), self('charge')]).toEqual([
      20, 10, 20, 50,
    ]);
  });

  it('the critical path follows the last-finishing child, skipping one that overlaps it', () => {
    const critical = Array.from(m.tree.order).filter((i) => (m.flags[i] ?? 0) & FLAG_CRITICAL);
    expect(names(m, critical)).toEqual(['GET /checkout', 'place order', 'charge']);
  });

  it('marks failed spans, their ancestors, and the deepest failures as origins', () => {
    const with_ = (flag: number) =>
      names(
        m,
        Array.from(m.tree.order).filter((i) => (m.flags[i] ?? 0) & flag),
      );
    expect(with_(FLAG_ERROR)).toEqual(['SELECT cart', 'charge']);
    expect(with_(FLAG_ERROR_PATH)).toEqual([
      'GET /checkout',
      'get cart',
      'SELECT cart',
      'place order',
      'charge',
    ]);
    expect(with_(FLAG_ERROR_ORIGIN)).toEqual(['SELECT cart', 'charge']);
    expect(m.errors).toBe(2);
  });

  it('sums spans, errors and self time per service, largest self time first, ties by name', () => {
    expect(m.services.map((s) => [s.name, s.spans, s.errors, s.selfNs / MS])).toEqual([
      ['payment', 1, 1, 50],
      ['checkout', 1, 0, 20],
      ['db', 1, 1, 20],
      ['frontend', 1, 0, 20],
      ['cart', 1, 0, 10],
    ]);
  });

  it('collapses one span, to a depth, and reveals a span inside a collapsed one', () => {
    const collapsed = new Uint8Array(m.columns.count);
    collapsed[byName(m, 'get cart')] = 1;
    expect(names(m, visibleRows(m, collapsed))).toEqual([
      'GET /checkout',
      'get cart',
      'place order',
      'charge',
    ]);
    const d1 = collapseToDepth(m, 1);
    expect(names(m, visibleRows(m, d1))).toEqual(['GET /checkout', 'get cart', 'place order']);
    expect(reveal(m, d1, byName(m, 'charge'))).toBe(true);
    expect(names(m, visibleRows(m, d1))).toEqual(['GET /checkout', 'get cart', 'place order', 'charge']);
  });

  it('finds spans by operation or service text, and by span id, in row order', () => {
    expect(names(m, searchSpans(m, 'CART'))).toEqual(['get cart', 'SELECT cart']);
    expect(names(m, searchSpans(m, 'payment'))).toEqual(['charge']);
    const id = spanIdHex(m, byName(m, 'place order'));
    expect(id).toBe('000000000000000c');
    expect(names(m, searchSpans(m, id))).toEqual(['place order']);
    expect(searchSpans(m, '  ')).toHaveLength(0);
  });

  it('keeps orphans and spans in a parent loop as roots, and a duplicated id’s children with the first', () => {
    const odd = model([
      { id: '1', parent: '', name: 'root', service: 's', startMs: 0, endMs: 10 },
      { id: '2', parent: 'ff', name: 'orphan', service: 's', startMs: 1, endMs: 2 },
      { id: '3', parent: '4', name: 'loop-a', service: 's', startMs: 2, endMs: 3 },
      { id: '4', parent: '3', name: 'loop-b', service: 's', startMs: 3, endMs: 4 },
      { id: '1', parent: '', name: 'dup', service: 's', startMs: 4, endMs: 5 },
      { id: '5', parent: '1', name: 'child', service: 's', startMs: 5, endMs: 6 },
    ]);
    expect(names(odd, odd.tree.order)).toEqual(['root', 'child', 'orphan', 'dup', 'loop-a', 'loop-b']);
    expect(Array.from(odd.tree.order, (i) => odd.tree.depth[i])).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('builds a 200,000-span chain (deep) and a 200,000-span fan (wide) without recursion', () => {
    const n = 200_000;
    const chain = model(
      Array.from({ length: n }, (_, i) => ({
        id: (i + 1).toString(16),
        parent: i === 0 ? '' : i.toString(16),
        name: `op-${i % 10}`,
        service: `svc-${i % 7}`,
        startMs: i * 0.001,
        endMs: 1000 - i * 0.001,
      })),
    );
    expect(chain.tree.maxDepth).toBe(n - 1);
    expect(chain.tree.subtree[chain.tree.order[0] ?? 0]).toBe(n);
    const fan = model(
      Array.from({ length: n }, (_, i) => ({
        id: (i + 1).toString(16),
        parent: i === 0 ? '' : '1',
        name: 'op',
        service: 'svc',
        startMs: i * 0.001,
        endMs: i * 0.001 + 1,
      })),
    );
    expect(fan.tree.maxDepth).toBe(1);
    expect(visibleRows(fan, collapseToDepth(fan, 0))).toHaveLength(1);
  });
});
