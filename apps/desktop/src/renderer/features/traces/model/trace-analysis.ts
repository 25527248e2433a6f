/**
 * What the waterfall highlights and the breakdown lists, computed once per trace over the tree's arrays:
 * self time (a span's time not covered by any child), the critical path (what the root actually waited
 * for), the error path (failed spans and their ancestors; the deepest failed ones are the error origins),
 * and per-service totals.
 */
import { STATUS_ERROR, type SpanColumns } from '@apo/shared/console';
import type { TraceTree } from './trace-tree.ts';

export const FLAG_CRITICAL = 1;
export const FLAG_ERROR = 2;
export const FLAG_ERROR_PATH = 4;
export const FLAG_ERROR_ORIGIN = 8;

const endOf = (c: SpanColumns, i: number): number => (c.startNs[i] ?? 0) + (c.durationNs[i] ?? 0);

/** Each span's duration minus the union of its children's intervals (clipped to the span). */
export function selfTimes(c: SpanColumns, t: TraceTree): Float64Array {
  const self = new Float64Array(c.count);
  for (let v = 0; v < c.count; v++) {
    const start = c.startNs[v] ?? 0;
    const end = endOf(c, v);
    let covered = 0;
    let runStart = -1;
    let runEnd = -1;
    // Children come by start time, so overlapping ones merge in one pass.
    for (let k = t.childStart[v] ?? 0; k < (t.childStart[v + 1] ?? 0); k++) {
      const ch = t.childList[k] ?? 0;
      const s = Math.max(start, c.startNs[ch] ?? 0);
      const e = Math.min(end, endOf(c, ch));
      if (e <= s) continue;
      if (s > runEnd) {
        if (runEnd > runStart) covered += runEnd - runStart;
        runStart = s;
        runEnd = e;
      } else if (e > runEnd) runEnd = e;
    }
    if (runEnd > runStart) covered += runEnd - runStart;
    self[v] = Math.max(0, (c.durationNs[v] ?? 0) - covered);
  }
  return self;
}

/**
 * Marks the critical path from every root: the child that finished last, then the child that finished
 * last before that one started, and so on, into each chosen child in turn (the usual definition, as in
 * Jaeger's and Uber's tools). Time not covered by a chosen child is the span's own.
 */
function markCritical(c: SpanColumns, t: TraceTree, flags: Uint8Array): void {
  const stack: number[] = Array.from(t.roots);
  const kids: number[] = [];
  while (stack.length > 0) {
    const v = stack.pop() ?? 0;
    flags[v] = (flags[v] ?? 0) | FLAG_CRITICAL;
    kids.length = 0;
    for (let k = t.childStart[v] ?? 0; k < (t.childStart[v + 1] ?? 0); k++) kids.push(t.childList[k] ?? 0);
    kids.sort((a, b) => endOf(c, b) - endOf(c, a));
    const end = endOf(c, v);
    let cursor = end;
    for (const ch of kids) {
      // A child still running when the next chosen one ends was not waited for (it overlaps it).
      if (Math.min(endOf(c, ch), end) > cursor || (c.startNs[ch] ?? 0) >= cursor) continue;
      stack.push(ch);
      cursor = c.startNs[ch] ?? 0;
    }
  }
}

function markErrors(c: SpanColumns, t: TraceTree, flags: Uint8Array): void {
  const errorBelow = new Uint8Array(c.count);
  for (let k = c.count - 1; k >= 0; k--) {
    const v = t.order[k] ?? 0;
    const failed = c.status[v] === STATUS_ERROR;
    if (failed) {
      flags[v] = (flags[v] ?? 0) | FLAG_ERROR | FLAG_ERROR_PATH | (errorBelow[v] ? 0 : FLAG_ERROR_ORIGIN);
    } else if (errorBelow[v]) {
      flags[v] = (flags[v] ?? 0) | FLAG_ERROR_PATH;
    }
    const p = t.parent[v] ?? -1;
    if (p !== -1 && (failed || errorBelow[v])) errorBelow[p] = 1;
  }
}

export function spanFlags(c: SpanColumns, t: TraceTree): Uint8Array {
  const flags = new Uint8Array(c.count);
  markCritical(c, t, flags);
  markErrors(c, t, flags);
  return flags;
}

export interface ServiceStats {
  name: string;
  spans: number;
  errors: number;
  /** Sum of the service's spans' self time, ns. */
  selfNs: number;
  /** Sum of its spans' durations, ns: with selfNs, how much it waited on others. */
  totalNs: number;
}

/** Per service, by self time (the largest share first). */
export function serviceStats(c: SpanColumns, strings: readonly string[], self: Float64Array): ServiceStats[] {
  const by = new Map<number, ServiceStats>();
  for (let i = 0; i < c.count; i++) {
    const s = c.service[i] ?? 0;
    let st = by.get(s);
    if (st === undefined) {
      st = { name: strings[s] ?? '', spans: 0, errors: 0, selfNs: 0, totalNs: 0 };
      by.set(s, st);
    }
    st.spans++;
    if (c.status[i] === STATUS_ERROR) st.errors++;
    st.selfNs += self[i] ?? 0;
    st.totalNs += c.durationNs[i] ?? 0;
  }
  return [...by.values()].sort((a, b) => b.selfNs - a.selfNs || a.name.localeCompare(b.name));
}

/** Spans at each depth: the shape of a trace before its rows are drawn. */
export function depthCounts(t: TraceTree): number[] {
  const out = new Array<number>(t.maxDepth + 1).fill(0);
  for (let i = 0; i < t.depth.length; i++) {
    const d = t.depth[i] ?? 0;
    out[d] = (out[d] ?? 0) + 1;
  }
  return out;
}

/**
 * The minimap: for `height` bands of rows (in preorder), how many spans cover each of `width` time
 * columns — difference arrays, so a million spans cost a million steps, however long they are.
 */
export function minimapDensity(
  c: SpanColumns,
  t: TraceTree,
  endNs: number,
  width: number,
  height: number,
): Float32Array {
  const grid = new Float32Array((width + 1) * height);
  const n = c.count;
  const scale = endNs > 0 ? width / endNs : 0;
  for (let k = 0; k < n; k++) {
    const v = t.order[k] ?? 0;
    const row = Math.min(height - 1, Math.floor((k * height) / n));
    const x0 = Math.min(width - 1, Math.floor((c.startNs[v] ?? 0) * scale));
    const x1 = Math.min(width, Math.max(x0 + 1, Math.ceil(endOf(c, v) * scale)));
    grid[row * (width + 1) + x0] = (grid[row * (width + 1) + x0] ?? 0) + 1;
    grid[row * (width + 1) + x1] = (grid[row * (width + 1) + x1] ?? 0) - 1;
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    let run = 0;
    for (let x = 0; x < width; x++) {
      run += grid[y * (width + 1) + x] ?? 0;
      out[y * width + x] = run;
    }
  }
  return out;
}
