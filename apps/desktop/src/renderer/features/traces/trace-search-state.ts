/**
 * The trace search's state as the URL keeps it (the time range is the global one): the filters, the
 * rectangle selected on the scatter, and the analytics tab; and the server input they make.
 */

export type AnalyticsTab = 'errors' | 'latency' | 'attributes';

export interface TracesSearch {
  service?: string | undefined;
  operation?: string | undefined;
  status?: 'unset' | 'ok' | 'error' | undefined;
  /** The whole trace's duration, ms. */
  minMs?: number | undefined;
  maxMs?: number | undefined;
  /** Attribute filters, `;`-separated: `key=value; key!=value; key exists`. */
  attr?: string | undefined;
  cluster?: string | undefined;
  /** The scatter selection: `fromMs,toMs,minDurationMs,maxDurationMs`. */
  sel?: string | undefined;
  tab?: AnalyticsTab | undefined;
}

interface AttributeFilter {
  key: string;
  op: 'eq' | 'neq' | 'exists';
  value?: string;
}

export interface TraceSelection {
  fromMs: number;
  toMs: number;
  minDurationMs: number;
  maxDurationMs: number;
}

const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined;
const ms = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

/**
 * `key=value; key!=value; key exists` as filters, or the first part that is none of these (for the form
 * to name it).
 */
export function parseAttributeFilters(input: string): { filters: AttributeFilter[] } | { problem: string } {
  const filters: AttributeFilter[] = [];
  for (const raw of input.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const exists = /^(\S.*?)\s+exists$/i.exec(part);
    const neq = part.indexOf('!=');
    const eq = part.indexOf('=');
    if (exists?.[1] !== undefined) filters.push({ key: exists[1], op: 'exists' });
    else if (neq > 0)
      filters.push({ key: part.slice(0, neq).trim(), op: 'neq', value: part.slice(neq + 2).trim() });
    else if (eq > 0)
      filters.push({ key: part.slice(0, eq).trim(), op: 'eq', value: part.slice(eq + 1).trim() });
    else return { problem: `"${part}" is not key=value, key!=value or key exists` };
  }
  return filters.length > 16 ? { problem: 'at most 16 attribute filters' } : { filters };
}

export function parseSelection(sel: string | undefined): TraceSelection | undefined {
  if (sel === undefined) return undefined;
  const parts = sel.split(',').map(Number);
  const [fromMs, toMs, minDurationMs, maxDurationMs] = parts;
  if (
    parts.length !== 4 ||
    !parts.every((n) => Number.isFinite(n) && n >= 0) ||
    fromMs === undefined ||
    toMs === undefined ||
    minDurationMs === undefined ||
    maxDurationMs === undefined ||
    toMs < fromMs ||
    maxDurationMs < minDurationMs
  )
    return undefined;
  return { fromMs: Math.round(fromMs), toMs: Math.round(toMs), minDurationMs, maxDurationMs };
}

/** Durations to the microsecond, times to the ms: short enough for a URL, exact enough for a selection. */
export function formatSelection(s: TraceSelection): string {
  const us = (n: number) => String(Math.round(n * 1000) / 1000);
  return [Math.round(s.fromMs), Math.round(s.toMs), us(s.minDurationMs), us(s.maxDurationMs)].join(',');
}

export function validateTracesSearch(raw: Record<string, unknown>): TracesSearch {
  const out: TracesSearch = {};
  const service = text(raw.service, 1024);
  const operation = text(raw.operation, 1024);
  const attr = text(raw.attr, 2048);
  const cluster = text(raw.cluster, 64);
  const minMs = ms(raw.minMs);
  const maxMs = ms(raw.maxMs);
  const sel = text(raw.sel, 128);
  if (service !== undefined) out.service = service;
  if (operation !== undefined) out.operation = operation;
  if (raw.status === 'unset' || raw.status === 'ok' || raw.status === 'error') out.status = raw.status;
  if (minMs !== undefined) out.minMs = minMs;
  if (maxMs !== undefined) out.maxMs = maxMs;
  if (attr !== undefined && 'filters' in parseAttributeFilters(attr)) out.attr = attr;
  if (cluster !== undefined) out.cluster = cluster;
  if (sel !== undefined && parseSelection(sel) !== undefined) out.sel = sel;
  if (raw.tab === 'errors' || raw.tab === 'latency' || raw.tab === 'attributes') out.tab = raw.tab;
  return out;
}

/** The filters as the server's trace search takes them (the range is added by the query). */
export function searchInput(s: TracesSearch) {
  const parsed = s.attr === undefined ? undefined : parseAttributeFilters(s.attr);
  return {
    service: s.service,
    operation: s.operation,
    status: s.status,
    minDurationMs: s.minMs,
    maxDurationMs: s.maxMs,
    attributes:
      parsed !== undefined && 'filters' in parsed && parsed.filters.length > 0 ? parsed.filters : undefined,
    cluster: s.cluster,
  };
}

/** The scatter selection as the server's `selection` input, when the URL holds one. */
export function selectionInput(s: TracesSearch): { selection?: TraceSelection } {
  const selection = parseSelection(s.sel);
  return selection === undefined ? {} : { selection };
}

/** `key=value` (or `!=`, `exists`) added to the attribute filters, for links from an analytics row. */
export function withAttribute(attr: string | undefined, f: AttributeFilter): string {
  const part =
    f.op === 'exists' ? `${f.key} exists` : `${f.key}${f.op === 'neq' ? '!=' : '='}${f.value ?? ''}`;
  return attr === undefined ? part : `${attr}; ${part}`;
}
