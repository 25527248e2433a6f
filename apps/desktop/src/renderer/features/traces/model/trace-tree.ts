/**
 * The span tree of a trace in flat typed arrays: parents resolved by id, children in start order, one
 * preorder walk that gives every span its row, depth and subtree size. Iterative throughout: a generated
 * trace a million spans deep must not overflow a call stack.
 */
import type { SpanColumns } from '@apo/shared/console';
import { SpanIndex } from './span-index.ts';

export interface TraceTree {
  /** Parent span index, -1 for a root (no parent id, or a parent that is not in the trace). */
  parent: Int32Array;
  /** Children of span i: `childList[childStart[i] … childStart[i + 1])`, by start time. */
  childStart: Int32Array;
  childList: Int32Array;
  /** Roots by start time. */
  roots: Int32Array;
  /** Span indexes in preorder (parent before children, children by start): the fully expanded rows. */
  order: Int32Array;
  /** Each span's position in `order`. */
  pos: Int32Array;
  /** Spans in each span's subtree, itself included: a collapsed span hides the next `subtree − 1` rows. */
  subtree: Int32Array;
  depth: Int32Array;
  maxDepth: number;
}

/** Span indexes sorted by start time (stable); skipped when they arrive sorted, as the server sends them. */
function byStart(start: Float64Array, n: number): Int32Array {
  const idx = new Int32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    if (i > 0 && (start[i] ?? 0) < (start[i - 1] ?? 0)) sorted = false;
  }
  if (!sorted) idx.sort((a, b) => (start[a] ?? 0) - (start[b] ?? 0) || a - b);
  return idx;
}

export function buildTree(c: SpanColumns): TraceTree {
  const n = c.count;
  const index = new SpanIndex(c.spanIds, n);
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const hi = c.parentIds[2 * i] ?? 0;
    const lo = c.parentIds[2 * i + 1] ?? 0;
    const p = hi === 0 && lo === 0 ? -1 : index.find(hi, lo);
    parent[i] = p === i ? -1 : p;
  }
  const sorted = byStart(c.startNs, n);
  const childStart = new Int32Array(n + 1);
  let rootCount = 0;
  for (let i = 0; i < n; i++) {
    const p = parent[i] ?? -1;
    if (p === -1) rootCount++;
    else childStart[p + 1] = (childStart[p + 1] ?? 0) + 1;
  }
  for (let i = 0; i < n; i++) childStart[i + 1] = (childStart[i + 1] ?? 0) + (childStart[i] ?? 0);
  const fill = childStart.slice(0, n);
  const childList = new Int32Array(Math.max(0, n - rootCount));
  let roots = new Int32Array(rootCount);
  let r = 0;
  for (let k = 0; k < n; k++) {
    const i = sorted[k] ?? 0;
    const p = parent[i] ?? -1;
    if (p === -1) roots[r++] = i;
    else {
      const at = fill[p] ?? 0;
      childList[at] = i;
      fill[p] = at + 1;
    }
  }

  const order = new Int32Array(n);
  const pos = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const stack = new Int32Array(n);
  let written = 0;
  let maxDepth = 0;
  const walk = (from: Int32Array) => {
    let top = 0;
    for (let k = from.length - 1; k >= 0; k--) stack[top++] = from[k] ?? 0;
    while (top > 0) {
      const v = stack[--top] ?? 0;
      if (pos[v] !== -1) continue;
      pos[v] = written;
      order[written++] = v;
      const p = parent[v] ?? -1;
      const d = p === -1 || pos[p] === -1 ? 0 : (depth[p] ?? 0) + 1;
      depth[v] = d;
      if (d > maxDepth) maxDepth = d;
      for (let k = (childStart[v + 1] ?? 0) - 1; k >= (childStart[v] ?? 0); k--)
        stack[top++] = childList[k] ?? 0;
    }
  };
  walk(roots);
  if (written < n) {
    // Spans whose parent chain loops never hang from a root: each unreached one starts a tree of its own.
    const extra: number[] = [];
    for (let k = 0; k < n; k++) {
      const i = sorted[k] ?? 0;
      if (pos[i] === -1) {
        parent[i] = -1;
        extra.push(i);
        walk(Int32Array.of(i));
      }
    }
    const all = new Int32Array(roots.length + extra.length);
    all.set(roots);
    all.set(extra, roots.length);
    roots = all;
  }
  const subtree = new Int32Array(n).fill(1);
  for (let k = n - 1; k > 0; k--) {
    const v = order[k] ?? 0;
    const p = parent[v] ?? -1;
    if (p !== -1) subtree[p] = (subtree[p] ?? 0) + (subtree[v] ?? 0);
  }
  return { parent, childStart, childList, roots, order, pos, subtree, depth, maxDepth };
}
