/**
 * The trace's flame graph: spans merged by call path (the chain of service + operation from the root), one
 * frame per distinct path, y = depth, width = the time spent on that path and below it.
 *
 * Why merged by call path rather than x = time: the waterfall already draws every span on the time axis
 * (with the critical path), and a time-based flame chart is only that waterfall with parallel siblings
 * piled onto one row. What the waterfall cannot show is *where the time adds up* — 400 short SELECTs under
 * one handler, a retry loop, one operation's thousand calls spread over a million rows. Merged by path,
 * those become one wide frame whose width says what they cost together, which is the question "why was
 * this slow" turns into once the critical path is known; and a million spans fold into the distinct paths.
 *
 * Widths come from self times (a span's time not covered by its children, trace-analysis.ts), as in a CPU
 * profile: a frame is its own self time plus its children's widths, so children always fit inside their
 * parent even when they ran in parallel, and the part of a frame no child covers is exactly its self time.
 * With parallel work the root's width (span-time) exceeds the trace's wall-clock duration; the hover
 * shows both. Built in the worker right after the model is sent (from copies of what it needs), so the
 * first rows do not wait for it: O(spans), typed arrays, no string keys.
 */
import type { TraceModel } from './trace-model.ts';

/** What the flame graph is built from: copies of the model's arrays, kept by the worker. */
export interface FlameInputs {
  /** The tree's preorder and parents. */
  order: Int32Array;
  parent: Int32Array;
  name: Uint32Array;
  service: Uint32Array;
  durationNs: Float64Array;
  selfNs: Float64Array;
  flags: Uint8Array;
}

export function flameInputs(m: TraceModel): FlameInputs {
  return {
    order: m.tree.order.slice(),
    parent: m.tree.parent.slice(),
    name: m.columns.name.slice(),
    service: m.columns.service.slice(),
    durationNs: m.columns.durationNs.slice(),
    selfNs: m.selfNs.slice(),
    flags: m.flags.slice(),
  };
}

export interface FlameGraph {
  /** Frames, numbered in the order their first span came in the tree's preorder (a parent before its children). */
  count: number;
  parent: Int32Array;
  depth: Int32Array;
  /** String indexes of the path's last operation and service. */
  name: Uint32Array;
  service: Uint32Array;
  /** Spans merged into the frame. */
  calls: Int32Array;
  /** Sum of the merged spans' durations and of their self times, ns. */
  durationNs: Float64Array;
  selfNs: Float64Array;
  /** The frame's width: its self time plus its children's widths, ns. */
  totalNs: Float64Array;
  /** Left edge, ns from the left of the graph. */
  x: Float64Array;
  /** The longest merged span: what a click selects. */
  span: Int32Array;
  /** OR of the merged spans' FLAG_* bits. */
  flags: Uint8Array;
  /**
   * Frames in preorder, and each one's subtree size for skipping narrow ones. Children come in the order
   * they first appear in the span tree's preorder — by start under one call, as the waterfall reads —
   * which is the order frames are numbered in, so no sort.
   */
  order: Int32Array;
  subtree: Int32Array;
  /** Each span's frame. */
  frameOf: Int32Array;
  /** Width of the whole graph (the roots side by side), ns. */
  widthNs: number;
  maxDepth: number;
}

/** Open addressing over (parent frame, name, service): three words a key, no strings. */
class FrameIndex {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(capacity: number) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Int32Array(cap * 3);
    this.values = new Int32Array(cap).fill(-1);
  }

  /** The frame of this key, or `next` after storing it as the key's frame. */
  getOrAdd(parent: number, name: number, service: number, next: number): number {
    let slot =
      (Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(name, 0x85ebca6b) ^ Math.imul(service, 0xc2b2ae35)) >>>
      0;
    slot = (slot ^ (slot >>> 15)) & this.mask;
    for (;;) {
      const v = this.values[slot] ?? -1;
      if (v === -1) {
        this.keys[3 * slot] = parent;
        this.keys[3 * slot + 1] = name;
        this.keys[3 * slot + 2] = service;
        this.values[slot] = next;
        return next;
      }
      if (
        this.keys[3 * slot] === parent &&
        this.keys[3 * slot + 1] === name &&
        this.keys[3 * slot + 2] === service
      ) {
        return v;
      }
      slot = (slot + 1) & this.mask;
    }
  }
}

export function buildFlameGraph(input: FlameInputs): FlameGraph {
  const n = input.order.length;
  const c = input;
  const t = input;
  const { selfNs, flags: spanFlags } = input;
  const index = new FrameIndex(n);
  const frameOf = new Int32Array(n);
  // Sized for the worst case (every span its own path), trimmed at the end.
  const parent = new Int32Array(n);
  const name = new Uint32Array(n);
  const service = new Uint32Array(n);
  const calls = new Int32Array(n);
  const durationNs = new Float64Array(n);
  const self = new Float64Array(n);
  const span = new Int32Array(n);
  const flags = new Uint8Array(n);
  let count = 0;
  for (let k = 0; k < n; k++) {
    const v = t.order[k] ?? 0;
    const p = t.parent[v] ?? -1;
    const pf = p === -1 ? -1 : (frameOf[p] ?? -1);
    const nm = c.name[v] ?? 0;
    const sv = c.service[v] ?? 0;
    const f = index.getOrAdd(pf, nm, sv, count);
    const dur = c.durationNs[v] ?? 0;
    if (f === count) {
      count++;
      parent[f] = pf;
      name[f] = nm;
      service[f] = sv;
      span[f] = v;
    } else if (dur > (c.durationNs[span[f] ?? 0] ?? 0)) span[f] = v;
    frameOf[v] = f;
    calls[f] = (calls[f] ?? 0) + 1;
    durationNs[f] = (durationNs[f] ?? 0) + dur;
    self[f] = (self[f] ?? 0) + (selfNs[v] ?? 0);
    flags[f] = (flags[f] ?? 0) | (spanFlags[v] ?? 0);
  }

  // A frame's parent is numbered before it: one backward pass sums widths into parents.
  const totalNs = self.slice(0, count);
  for (let f = count - 1; f >= 0; f--) {
    const p = parent[f] ?? -1;
    if (p !== -1) totalNs[p] = (totalNs[p] ?? 0) + (totalNs[f] ?? 0);
  }

  // Children lists (CSR) in frame number order; then one preorder walk places every frame.
  const childStart = new Int32Array(count + 2);
  for (let f = 0; f < count; f++) {
    const slot = (parent[f] ?? -1) + 2;
    childStart[slot] = (childStart[slot] ?? 0) + 1;
  }
  for (let i = 1; i < childStart.length; i++) childStart[i] = (childStart[i] ?? 0) + (childStart[i - 1] ?? 0);
  const fill = childStart.slice();
  const childList = new Int32Array(count);
  for (let f = 0; f < count; f++) {
    const slot = (parent[f] ?? -1) + 1;
    const at = fill[slot] ?? 0;
    childList[at] = f;
    fill[slot] = at + 1;
  }
  // Segment `s` (0 = the roots, f + 1 = frame f's children) is childList[childStart[s] … childStart[s + 1]).

  const x = new Float64Array(count);
  const depth = new Int32Array(count);
  const order = new Int32Array(count);
  const subtree = new Int32Array(count).fill(1);
  const stack = new Int32Array(count);
  let top = 0;
  let written = 0;
  let maxDepth = 0;
  let left = 0;
  for (let k = childStart[0] ?? 0; k < (childStart[1] ?? 0); k++) {
    const f = childList[k] ?? 0;
    x[f] = left;
    left += totalNs[f] ?? 0;
  }
  for (let k = (childStart[1] ?? 0) - 1; k >= (childStart[0] ?? 0); k--) stack[top++] = childList[k] ?? 0;
  while (top > 0) {
    const f = stack[--top] ?? 0;
    order[written++] = f;
    const p = parent[f] ?? -1;
    const d = p === -1 ? 0 : (depth[p] ?? 0) + 1;
    depth[f] = d;
    if (d > maxDepth) maxDepth = d;
    // Children packed from the parent's left edge; what is left on the right is the parent's self time.
    let cx = x[f] ?? 0;
    const from = childStart[f + 1] ?? 0;
    const to = childStart[f + 2] ?? 0;
    for (let k = from; k < to; k++) {
      const ch = childList[k] ?? 0;
      x[ch] = cx;
      cx += totalNs[ch] ?? 0;
    }
    for (let k = to - 1; k >= from; k--) stack[top++] = childList[k] ?? 0;
  }
  for (let k = count - 1; k > 0; k--) {
    const f = order[k] ?? 0;
    const p = parent[f] ?? -1;
    if (p !== -1) subtree[p] = (subtree[p] ?? 0) + (subtree[f] ?? 0);
  }
  return {
    count,
    parent: parent.slice(0, count),
    depth,
    name: name.slice(0, count),
    service: service.slice(0, count),
    calls: calls.slice(0, count),
    durationNs: durationNs.slice(0, count),
    selfNs: self.slice(0, count),
    totalNs,
    x,
    span: span.slice(0, count),
    flags: flags.slice(0, count),
    order,
    subtree,
    frameOf,
    widthNs: left,
    maxDepth,
  };
}

/** The typed arrays of a flame graph, to transfer from the worker. */
export function flameArrays(g: FlameGraph): ArrayBufferView[] {
  return [
    g.parent,
    g.depth,
    g.name,
    g.service,
    g.calls,
    g.durationNs,
    g.selfNs,
    g.totalNs,
    g.x,
    g.span,
    g.flags,
    g.order,
    g.subtree,
    g.frameOf,
  ];
}
