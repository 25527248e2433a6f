/**
 * `window.__apoTraceView`: what the waterfall shows, as values, for end-to-end tests and the benchmark
 * (which assert names, depths, durations and marks rather than pixels). Read-only apart from `select`.
 */
import { FLAG_CRITICAL, FLAG_ERROR, FLAG_ERROR_ORIGIN, FLAG_ERROR_PATH } from '../model/trace-analysis.ts';
import type { WaterfallState } from './waterfall-state.ts';

interface RowInfo {
  row: number;
  name: string;
  service: string;
  depth: number;
  startMs: number;
  durationMs: number;
  selfMs: number;
  critical: boolean;
  error: boolean;
  errorPath: boolean;
  errorOrigin: boolean;
  collapsed: boolean;
}

interface TraceViewHook {
  summary(): {
    traceId: string;
    spans: number;
    rows: number;
    maxDepth: number;
    errors: number;
    endMs: number;
    highlight: string;
    matches: number;
    selected: string | null;
    services: { name: string; spans: number; errors: number; selfMs: number }[];
    /** Bytes of the typed arrays behind the model and the view (outside the JS heap's object space). */
    arrayBytes: number;
  };
  /** Visible rows `from … from + count`. */
  rows(from: number, count: number): RowInfo[];
  /** Every span with this operation name, visible or not, in tree order. */
  spansNamed(name: string): RowInfo[];
  /** The rows the last frame drew. */
  drawn(): { first: number; last: number };
  /** The flame graph's frames in preorder (the first `limit`). */
  flame(limit?: number): FrameInfo[];
  /** The flame graph's frames its last paint drew, where (CSS px in its viewport). */
  flameDrawn(): { name: string; service: string; x: number; y: number; w: number }[];
}

interface FrameInfo {
  name: string;
  service: string;
  depth: number;
  calls: number;
  xMs: number;
  widthMs: number;
  selfMs: number;
  durationMs: number;
}

declare global {
  interface Window {
    __apoTraceView?: TraceViewHook;
  }
}

function arrayBytes(state: WaterfallState): number {
  const m = state.model;
  const c = m.columns;
  const t = m.tree;
  const views: ArrayBufferView[] = [
    ...[c.spanIds, c.parentIds, c.name, c.service, c.startNs, c.durationNs, c.status, c.kind],
    ...[t.parent, t.childStart, t.childList, t.roots, t.order, t.pos, t.subtree, t.depth],
    ...[m.selfNs, m.flags, m.minimap, state.collapsed, state.rows, state.rowOf, state.isMatch, state.matches],
  ];
  return [...new Set(views.map((v) => v.buffer))].reduce((n, b) => n + b.byteLength, 0);
}

export function exposeTraceView(state: WaterfallState): () => void {
  const m = state.model;
  const info = (span: number): RowInfo => {
    const f = m.flags[span] ?? 0;
    return {
      row: state.rowOf[span] ?? -1,
      name: m.strings[m.columns.name[span] ?? 0] ?? '',
      service: m.strings[m.columns.service[span] ?? 0] ?? '',
      depth: m.tree.depth[span] ?? 0,
      startMs: (m.columns.startNs[span] ?? 0) / 1e6,
      durationMs: (m.columns.durationNs[span] ?? 0) / 1e6,
      selfMs: (m.selfNs[span] ?? 0) / 1e6,
      critical: (f & FLAG_CRITICAL) !== 0,
      error: (f & FLAG_ERROR) !== 0,
      errorPath: (f & FLAG_ERROR_PATH) !== 0,
      errorOrigin: (f & FLAG_ERROR_ORIGIN) !== 0,
      collapsed: state.collapsed[span] === 1,
    };
  };
  const hook: TraceViewHook = {
    summary: () => ({
      traceId: m.traceId,
      spans: m.columns.count,
      rows: state.rows.length,
      maxDepth: m.tree.maxDepth,
      errors: m.errors,
      endMs: m.endNs / 1e6,
      highlight: state.highlight,
      matches: state.matches.length,
      selected: state.selected >= 0 ? (m.strings[m.columns.name[state.selected] ?? 0] ?? '') : null,
      services: m.services.map((s) => ({
        name: s.name,
        spans: s.spans,
        errors: s.errors,
        selfMs: s.selfNs / 1e6,
      })),
      arrayBytes: arrayBytes(state),
    }),
    rows: (from, count) => Array.from(state.rows.subarray(from, from + count), info),
    spansNamed: (name) => {
      const out: RowInfo[] = [];
      for (const span of m.tree.order)
        if (m.strings[m.columns.name[span] ?? 0] === name) out.push(info(span));
      return out;
    },
    drawn: () => ({ ...state.drawn }),
    flame: (limit = 10_000) => {
      const g = m.flame;
      if (g === null) return [];
      return Array.from(g.order.subarray(0, limit), (f) => ({
        name: m.strings[g.name[f] ?? 0] ?? '',
        service: m.strings[g.service[f] ?? 0] ?? '',
        depth: g.depth[f] ?? 0,
        calls: g.calls[f] ?? 0,
        xMs: (g.x[f] ?? 0) / 1e6,
        widthMs: (g.totalNs[f] ?? 0) / 1e6,
        selfMs: (g.selfNs[f] ?? 0) / 1e6,
        durationMs: (g.durationNs[f] ?? 0) / 1e6,
      }));
    },
    flameDrawn: () =>
      state.flameDrawn.map((r) => ({
        name: m.strings[m.flame?.name[r.frame] ?? 0] ?? '',
        service: m.strings[m.flame?.service[r.frame] ?? 0] ?? '',
        x: r.x,
        y: r.y,
        w: r.w,
      })),
  };
  window.__apoTraceView = hook;
  return () => {
    if (window.__apoTraceView === hook) delete window.__apoTraceView;
  };
}
