import { describe, expect, it } from 'vitest';
import { describePoint, movedTo, scatterOrders, type ScatterPoint } from './scatter-keys.ts';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const point = (traceId: string, atS: number, durationMs: number, errors = 0): ScatterPoint => ({
  traceId,
  startMs: T0 + atS * 1000,
  durationMs,
  errors,
  root: `checkout: GET /${traceId}`,
});
// In time: a b c d; in duration: c (10) b (40) d (40, later) a (865).
const orders = scatterOrders([
  point('c', 20, 10),
  point('a', 0, 865, 2),
  point('d', 30, 40),
  point('b', 10, 40),
]);

describe('the scatter by keyboard', () => {
  it('walks the traces in time order (left, right) and in duration order (down, up), stopping at the ends', () => {
    const walk = (from: string | null, keys: string[]) => {
      const seen: (string | null | undefined)[] = [];
      let at = from;
      for (const k of keys) {
        const next = movedTo(orders, at, k);
        seen.push(next);
        if (next !== undefined) at = next;
      }
      return seen;
    };
    expect(walk(null, ['ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight', 'ArrowRight'])).toEqual([
      'a',
      'b',
      'c',
      'd',
      'd',
    ]);
    expect(walk('d', ['ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowLeft'])).toEqual(['c', 'b', 'a', 'a']);
    expect(walk('c', ['ArrowUp', 'ArrowUp', 'ArrowUp', 'ArrowUp'])).toEqual(['b', 'd', 'a', 'a']);
    expect(walk('a', ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowDown'])).toEqual(['d', 'b', 'c', 'c']);
    expect(walk('b', ['End', 'Home', 'Escape', 'x', 'Tab'])).toEqual(['d', 'a', null, undefined, undefined]);
    // A focused trace that left the answer (a new search): the walk restarts at the first in time.
    expect(movedTo(orders, 'gone', 'ArrowLeft')).toBe('a');
    expect(movedTo(scatterOrders([]), null, 'ArrowRight')).toBeUndefined();
  });

  it('reads a trace out: its root, duration, start and errors', () => {
    expect(describePoint(point('a', 0, 865, 2), 'UTC')).toBe(
      'checkout: GET /a, 865 ms, started 2026-12-07 12:00:00 UTC, 2 errors',
    );
    expect(describePoint(point('b', 10, 1500), 'UTC')).toBe(
      'checkout: GET /b, 1.5 s, started 2026-12-07 12:00:10 UTC, no errors',
    );
  });
});
