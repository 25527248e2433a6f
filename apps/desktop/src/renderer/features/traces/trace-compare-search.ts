/**
 * URL state of the trace comparison (`/traces/compare?a=…&b=…`): the two traces — a stored trace's id,
 * or `file:<id>` for a trace of the file open in this window — the change threshold, and whether only
 * the changed paths show.
 */
export interface TraceCompareSearch {
  a?: string | undefined;
  b?: string | undefined;
  /** Percent of the first trace's duration a path must move by to count as changed. */
  threshold?: number | undefined;
  changes?: boolean | undefined;
}

export const DEFAULT_THRESHOLD = 10;

/** A trace reference: 32 (or 16) hex digits, optionally `file:` first. */
const TRACE_REF = /^(file:)?([0-9a-f]{16}|[0-9a-f]{32})$/;

export function parseTraceRef(text: string): { file: boolean; traceId: string } | null {
  const m = TRACE_REF.exec(text.trim().toLowerCase());
  return m === null ? null : { file: m[1] !== undefined, traceId: m[2] ?? '' };
}

export function validateTraceCompareSearch(raw: Record<string, unknown>): TraceCompareSearch {
  const out: TraceCompareSearch = {};
  const ref = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 80) : undefined);
  const a = ref(raw.a);
  const b = ref(raw.b);
  if (a !== undefined) out.a = a;
  if (b !== undefined) out.b = b;
  const t = typeof raw.threshold === 'number' ? raw.threshold : Number(raw.threshold);
  if (Number.isFinite(t) && t >= 0 && t <= 1000 && t !== DEFAULT_THRESHOLD) out.threshold = t;
  if (raw.changes === true || raw.changes === 'true') out.changes = true;
  return out;
}
