/**
 * The trace model the view draws: the columns, the tree and the analysis, all typed arrays, built in the
 * worker (trace-worker.ts) and transferred to the page without a copy.
 */
import type { SpanColumns } from '@apo/shared/console';
import {
  depthCounts,
  minimapDensity,
  serviceStats,
  selfTimes,
  spanFlags,
  type ServiceStats,
} from './trace-analysis.ts';
import type { FlameGraph } from './flame-graph.ts';
import { buildTree, type TraceTree } from './trace-tree.ts';

export const MINIMAP_WIDTH = 240;
export const MINIMAP_HEIGHT = 60;

export interface TraceData {
  traceId: string;
  /** Nanoseconds since the epoch of the trace's time origin (decimal). */
  baseNs: string;
  strings: string[];
  columns: SpanColumns;
}

export interface TraceModel extends TraceData {
  tree: TraceTree;
  selfNs: Float64Array;
  /** FLAG_* bits of trace-analysis.ts per span. */
  flags: Uint8Array;
  /** Latest end of any span, ns after baseNs. */
  endNs: number;
  services: ServiceStats[];
  /** Service string index → its colour slot (by name, so colours stay put across reloads). */
  serviceSlot: Map<number, number>;
  depthCounts: number[];
  errors: number;
  minimap: Float32Array;
  /**
   * The flame graph, null until the worker sends it after the model (flame-graph.ts); the loader then
   * attaches it here, so the view state built over the model stays.
   */
  flame: FlameGraph | null;
}

/** A model whose flame graph has arrived. */
export type FlamedModel = TraceModel & { flame: FlameGraph };

export const hasFlame = (m: TraceModel): m is FlamedModel => m.flame !== null;

export function buildTraceModel(data: TraceData): TraceModel {
  const c = data.columns;
  // Times relative to the earliest start: a file's spans may not start at 0.
  let minStart = Infinity;
  for (let i = 0; i < c.count; i++) minStart = Math.min(minStart, c.startNs[i] ?? 0);
  let baseNs = data.baseNs;
  if (c.count > 0 && minStart !== 0) {
    for (let i = 0; i < c.count; i++) c.startNs[i] = (c.startNs[i] ?? 0) - minStart;
    baseNs = (BigInt(baseNs) + BigInt(Math.round(minStart))).toString();
  }
  let endNs = 0;
  let errors = 0;
  for (let i = 0; i < c.count; i++) {
    endNs = Math.max(endNs, (c.startNs[i] ?? 0) + (c.durationNs[i] ?? 0));
    if (c.status[i] === 2) errors++;
  }
  const tree = buildTree(c);
  const selfNs = selfTimes(c, tree);
  const services = serviceStats(c, data.strings, selfNs);
  const flags = spanFlags(c, tree);
  const serviceSlot = new Map<number, number>();
  const byName = [...new Set(Array.from(c.service))].sort((a, b) =>
    (data.strings[a] ?? '').localeCompare(data.strings[b] ?? ''),
  );
  byName.forEach((s, i) => serviceSlot.set(s, i));
  return {
    ...data,
    baseNs,
    tree,
    selfNs,
    flags,
    endNs,
    services,
    serviceSlot,
    depthCounts: depthCounts(tree),
    errors,
    minimap: minimapDensity(c, tree, endNs, MINIMAP_WIDTH, MINIMAP_HEIGHT),
    flame: null,
  };
}

/** Every typed array of the model, to transfer rather than copy between worker and page. */
export function transferablesOf(m: TraceModel): ArrayBuffer[] {
  const c = m.columns;
  const t = m.tree;
  const arrays: ArrayBufferView[] = [
    c.spanIds,
    c.parentIds,
    c.name,
    c.service,
    c.startNs,
    c.durationNs,
    c.status,
    c.kind,
    t.parent,
    t.childStart,
    t.childList,
    t.roots,
    t.order,
    t.pos,
    t.subtree,
    t.depth,
    m.selfNs,
    m.flags,
    m.minimap,
  ];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  return [...buffers];
}
