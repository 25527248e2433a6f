/**
 * Two traces side by side: their call paths (service + operation from the root, the flame graph's frames,
 * flame-graph.ts) aligned, with each path's calls, summed duration and self time in both, and what
 * changed — a path only in the second trace (added), only in the first (missing), or whose duration moved
 * by more than the threshold (slower / faster, with the delta). Paths match by service and operation under
 * a matching parent, so the same request's two runs line up even when span ids, timings and the number of
 * calls differ.
 *
 * A generator that yields every few thousand paths: the page runs it in slices (run-in-slices.ts) so two
 * million-span traces never hold its thread for long.
 */
import type { FlamedModel } from './trace-model.ts';

interface CompareSide {
  calls: number;
  durationNs: number;
  selfNs: number;
  /** The path's longest span in this trace. */
  span: number;
}

export type Change = 'same' | 'added' | 'missing' | 'slower' | 'faster';

export interface CompareRow {
  /** Position in the rows (a stable key). */
  index: number;
  depth: number;
  name: string;
  service: string;
  a: CompareSide | null;
  b: CompareSide | null;
  change: Change;
  /** b's summed duration minus a's (a missing side counts as 0), ns. */
  deltaNs: number;
  /** This row or one below it changed: what "only changes" keeps, with the context above. */
  changedBelow: boolean;
}

export interface TraceComparison {
  rows: CompareRow[];
  counts: Record<Change, number>;
}

interface Threshold {
  /** A duration change counts when it is over this share of the first trace's (percent)… */
  percent: number;
  /** …and over this many nanoseconds (small paths jitter). */
  minNs: number;
}

const SLICE = 1000;

/** A key per (name, service) pair of a model, "service \0 operation", built once per distinct pair. */
function opKeys(m: FlamedModel): (frame: number) => string {
  const cache = new Map<number, string>();
  const n = m.strings.length;
  return (f) => {
    const name = m.flame.name[f] ?? 0;
    const service = m.flame.service[f] ?? 0;
    const k = name * n + service;
    let key = cache.get(k);
    if (key === undefined) {
      key = `${m.strings[service] ?? ''}\u0000${m.strings[name] ?? ''}`;
      cache.set(k, key);
    }
    return key;
  };
}

/** Children of frame `f` (or the roots for -1), in the flame graph's order. */
function childrenOf(m: FlamedModel, posOf: Int32Array, f: number): number[] {
  const g = m.flame;
  const out: number[] = [];
  const from = f === -1 ? 0 : (posOf[f] ?? 0) + 1;
  const to = f === -1 ? g.count : (posOf[f] ?? 0) + (g.subtree[f] ?? 1);
  for (let k = from; k < to;) {
    const ch = g.order[k] ?? 0;
    out.push(ch);
    k += g.subtree[ch] ?? 1;
  }
  return out;
}

function positions(m: FlamedModel): Int32Array {
  const pos = new Int32Array(m.flame.count);
  m.flame.order.forEach((f, k) => (pos[f] = k));
  return pos;
}

const side = (m: FlamedModel, f: number): CompareSide | null =>
  f < 0
    ? null
    : {
        calls: m.flame.calls[f] ?? 0,
        durationNs: m.flame.durationNs[f] ?? 0,
        selfNs: m.flame.selfNs[f] ?? 0,
        span: m.flame.span[f] ?? -1,
      };

function changeOf(a: CompareSide | null, b: CompareSide | null, t: Threshold): Change {
  if (a === null) return 'added';
  if (b === null) return 'missing';
  const delta = b.durationNs - a.durationNs;
  if (Math.abs(delta) <= t.minNs || Math.abs(delta) <= (a.durationNs * t.percent) / 100) return 'same';
  return delta > 0 ? 'slower' : 'faster';
}

export function* compareTraces(
  a: FlamedModel,
  b: FlamedModel,
  threshold: Threshold,
): Generator<number, TraceComparison> {
  const keyA = opKeys(a);
  const keyB = opKeys(b);
  const posA = positions(a);
  const posB = positions(b);
  const rows: CompareRow[] = [];
  const parentRow: number[] = [];
  const counts: Record<Change, number> = { same: 0, added: 0, missing: 0, slower: 0, faster: 0 };
  // Pairs of frames (-1: the side lacks the path) with the row of their parent pair.
  const stack: [fa: number, fb: number, depth: number, parent: number][] = [[-1, -1, -1, -1]];
  while (stack.length > 0) {
    const [fa, fb, depth, parent] = stack.pop() ?? [-1, -1, 0, -1];
    let row = -1;
    if (depth >= 0) {
      const sa = side(a, fa);
      const sb = side(b, fb);
      const change = changeOf(sa, sb, threshold);
      const m = fa >= 0 ? a : b;
      const f = fa >= 0 ? fa : fb;
      row = rows.length;
      rows.push({
        index: row,
        depth,
        name: m.strings[m.flame.name[f] ?? 0] ?? '',
        service: m.strings[m.flame.service[f] ?? 0] ?? '',
        a: sa,
        b: sb,
        change,
        deltaNs: (sb?.durationNs ?? 0) - (sa?.durationNs ?? 0),
        changedBelow: change !== 'same',
      });
      parentRow.push(parent);
      counts[change]++;
      if (rows.length % SLICE === 0) yield rows.length;
    }
    // A path missing on one side has no children there: everything below it is missing (or added) too.
    const kidsA = fa >= 0 || depth < 0 ? childrenOf(a, posA, fa) : [];
    const kidsB = fb >= 0 || depth < 0 ? childrenOf(b, posB, fb) : [];
    const unmatched = new Map(kidsB.map((ch) => [keyB(ch), ch]));
    const pairs: [number, number][] = kidsA.map((ca) => {
      const k = keyA(ca);
      const cb = unmatched.get(k) ?? -1;
      unmatched.delete(k);
      return [ca, cb];
    });
    for (const cb of unmatched.values()) pairs.push([-1, cb]);
    for (let i = pairs.length - 1; i >= 0; i--) {
      const [ca, cb] = pairs[i] ?? [-1, -1];
      stack.push([ca, cb, depth + 1, row]);
    }
  }
  for (let r = rows.length - 1; r >= 0; r--) {
    const p = parentRow[r] ?? -1;
    const row = rows[r];
    const up = p >= 0 ? rows[p] : undefined;
    if (row?.changedBelow === true && up !== undefined) up.changedBelow = true;
  }
  return { rows, counts };
}

/** Runs the comparison to its end at once: for tests and small traces. */
export function compareNow(a: FlamedModel, b: FlamedModel, threshold: Threshold): TraceComparison {
  const gen = compareTraces(a, b, threshold);
  for (;;) {
    const step = gen.next();
    if (step.done === true) return step.value;
  }
}
