/**
 * The waterfall's view state over a model: which spans are collapsed, the visible rows, the search and its
 * current match, the zoomed time window and the selected span. Plain typed arrays, outside React: each
 * change recomputes the rows in O(spans) (a few ms for a million) and bumps `version` for React.
 */
import { collapseToDepth, reveal, searchSpans, visibleRows } from '../model/trace-rows.ts';
import type { TraceModel } from '../model/trace-model.ts';

/** A frame the flame graph drew: where, in CSS pixels of its viewport. */
export interface FlameRect {
  frame: number;
  x: number;
  y: number;
  w: number;
}

export type Highlight = 'none' | 'critical' | 'errors';

export class WaterfallState {
  collapsed: Uint8Array;
  rows: Int32Array;
  /** Each span's row, -1 when hidden; rebuilt with the rows. */
  rowOf: Int32Array;
  matches: Int32Array = new Int32Array(0);
  isMatch: Uint8Array;
  matchIndex = -1;
  query = '';
  /** The time window shown, ns after the trace's start. */
  windowStart = 0;
  windowEnd: number;
  selected = -1;
  highlight: Highlight = 'none';
  /** Asked of the canvas: bring this row into view. */
  scrollTarget = -1;
  version = 0;
  /** The rows the last frame drew (tests and the benchmark read it). */
  drawn = { first: -1, last: -1 };
  /** The frames the flame graph's last paint drew, where (its hit tests; tests read it). */
  flameDrawn: FlameRect[] = [];

  readonly model: TraceModel;

  constructor(model: TraceModel) {
    this.model = model;
    this.collapsed = new Uint8Array(model.columns.count);
    this.isMatch = new Uint8Array(model.columns.count);
    this.rowOf = new Int32Array(model.columns.count);
    this.rows = new Int32Array(0);
    this.windowEnd = Math.max(1, model.endNs);
    this.refresh();
  }

  private refresh(): void {
    this.rows = visibleRows(this.model, this.collapsed);
    this.rowOf.fill(-1);
    for (let r = 0; r < this.rows.length; r++) this.rowOf[this.rows[r] ?? 0] = r;
    this.version++;
  }

  /** Something outside the state changed what is drawn (the theme). */
  touch(): void {
    this.version++;
  }

  hasChildren(span: number): boolean {
    return (this.model.tree.subtree[span] ?? 1) > 1;
  }

  toggle(span: number): void {
    if (!this.hasChildren(span)) return;
    this.collapsed[span] = this.collapsed[span] ? 0 : 1;
    this.refresh();
  }

  setCollapsed(span: number, collapsed: boolean): void {
    if (!this.hasChildren(span) || Boolean(this.collapsed[span]) === collapsed) return;
    this.toggle(span);
  }

  expandAll(): void {
    this.collapsed.fill(0);
    this.refresh();
  }

  /** Only the roots' rows. */
  collapseAll(): void {
    this.collapsed = collapseToDepth(this.model, 0);
    this.refresh();
  }

  /** Rows down to `depth` (0 = roots only). */
  expandToDepth(depth: number): void {
    this.collapsed = collapseToDepth(this.model, depth);
    this.refresh();
  }

  search(query: string): void {
    this.query = query;
    this.matches = searchSpans(this.model, query);
    this.isMatch.fill(0);
    for (const m of this.matches) this.isMatch[m] = 1;
    this.matchIndex = -1;
    if (this.matches.length > 0) this.goToMatch(0);
    else this.version++;
  }

  /** The next (+1) or previous (−1) match, wrapping around. */
  stepMatch(step: 1 | -1): void {
    const n = this.matches.length;
    if (n === 0) return;
    this.goToMatch((this.matchIndex + step + n) % n);
  }

  private goToMatch(i: number): void {
    this.matchIndex = i;
    const span = this.matches[i] ?? 0;
    this.select(span);
  }

  /** Selects a span, expanding what hides it and scrolling it into view. */
  select(span: number): void {
    this.selected = span;
    if (span >= 0 && reveal(this.model, this.collapsed, span)) this.refresh();
    else this.version++;
    this.scrollTarget = span >= 0 ? (this.rowOf[span] ?? -1) : -1;
  }

  setHighlight(h: Highlight): void {
    this.highlight = this.highlight === h ? 'none' : h;
    this.version++;
  }

  zoom(startNs: number, endNs: number): void {
    const lo = Math.max(0, Math.min(startNs, endNs));
    const hi = Math.min(this.model.endNs, Math.max(startNs, endNs));
    if (hi - lo < 1) return;
    this.windowStart = lo;
    this.windowEnd = hi;
    this.version++;
  }

  resetZoom(): void {
    this.zoom(0, Math.max(1, this.model.endNs));
  }

  get zoomed(): boolean {
    return this.windowStart > 0 || this.windowEnd < this.model.endNs;
  }
}
