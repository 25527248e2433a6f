/**
 * The rows the waterfall shows: the preorder minus the subtrees of collapsed spans, and the spans a search
 * matches. O(spans) over typed arrays: a few milliseconds for a million, so these run on the page.
 */
import { readHexId } from '@apo/shared/console';
import type { TraceModel } from './trace-model.ts';

/** Span indexes of the visible rows, top to bottom. `collapsed[i]` hides span i's descendants. */
export function visibleRows(m: TraceModel, collapsed: Uint8Array): Int32Array {
  const { order, subtree } = m.tree;
  const n = order.length;
  const out = new Int32Array(n);
  let rows = 0;
  for (let k = 0; k < n;) {
    const v = order[k] ?? 0;
    out[rows++] = v;
    k += collapsed[v] ? (subtree[v] ?? 1) : 1;
  }
  return out.subarray(0, rows);
}

/** Collapses every span at `depth` (showing depths 0…depth); everything above it expanded. */
export function collapseToDepth(m: TraceModel, depth: number): Uint8Array {
  const collapsed = new Uint8Array(m.columns.count);
  const d = m.tree.depth;
  for (let i = 0; i < collapsed.length; i++) collapsed[i] = (d[i] ?? 0) >= depth ? 1 : 0;
  return collapsed;
}

/** Expands the ancestors of span `i`, so its row shows. Returns whether anything changed. */
export function reveal(m: TraceModel, collapsed: Uint8Array, i: number): boolean {
  let changed = false;
  for (let p = m.tree.parent[i] ?? -1; p !== -1; p = m.tree.parent[p] ?? -1) {
    if (collapsed[p]) {
      collapsed[p] = 0;
      changed = true;
    }
  }
  return changed;
}

/**
 * Spans whose operation or service contains `query` (case-insensitive), or whose span id is `query`, in
 * row order. Strings are matched once each in the dictionary, then spans by index.
 */
export function searchSpans(m: TraceModel, query: string): Int32Array {
  const q = query.trim().toLowerCase();
  if (q === '') return new Int32Array(0);
  const hit = new Uint8Array(m.strings.length);
  m.strings.forEach((s, i) => {
    if (s.toLowerCase().includes(q)) hit[i] = 1;
  });
  const idHex = /^[0-9a-f]{16}$/.test(q) ? q : null;
  const c = m.columns;
  const out: number[] = [];
  for (let k = 0; k < m.tree.order.length; k++) {
    const v = m.tree.order[k] ?? 0;
    if (hit[c.name[v] ?? 0] || hit[c.service[v] ?? 0]) out.push(v);
    else if (idHex !== null && spanIdHex(m, v) === idHex) out.push(v);
  }
  return Int32Array.from(out);
}

export const spanIdHex = (m: TraceModel, i: number): string => readHexId(m.columns.spanIds, 2 * i);
