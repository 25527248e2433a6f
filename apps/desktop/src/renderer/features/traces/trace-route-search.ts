/** URL state of the trace views: which cluster a stored trace is read from, and waterfall or flame graph. */
export interface TraceViewSearch {
  cluster?: string | undefined;
  view?: 'flame' | undefined;
}

export function validateTraceViewSearch(raw: Record<string, unknown>): TraceViewSearch {
  const out: TraceViewSearch = {};
  const cluster = raw.cluster;
  if (typeof cluster === 'string' && cluster !== '') out.cluster = cluster.slice(0, 64);
  if (raw.view === 'flame') out.view = 'flame';
  return out;
}

/** The trace search's filters, as the URL keeps them (the time range is the global one). */
export interface TracesSearch {
  service?: string | undefined;
  operation?: string | undefined;
  status?: 'unset' | 'ok' | 'error' | undefined;
  minMs?: number | undefined;
  maxMs?: number | undefined;
  /** `key=value` */
  attr?: string | undefined;
  cluster?: string | undefined;
}

const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : undefined;
const ms = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

export function validateTracesSearch(raw: Record<string, unknown>): TracesSearch {
  const out: TracesSearch = {};
  const service = text(raw.service, 1024);
  const operation = text(raw.operation, 1024);
  const attr = text(raw.attr, 2048);
  const cluster = text(raw.cluster, 64);
  const minMs = ms(raw.minMs);
  const maxMs = ms(raw.maxMs);
  if (service !== undefined) out.service = service;
  if (operation !== undefined) out.operation = operation;
  if (raw.status === 'unset' || raw.status === 'ok' || raw.status === 'error') out.status = raw.status;
  if (minMs !== undefined) out.minMs = minMs;
  if (maxMs !== undefined) out.maxMs = maxMs;
  if (attr !== undefined && attr.includes('=')) out.attr = attr;
  if (cluster !== undefined) out.cluster = cluster;
  return out;
}

/** `key=value` as the search's attribute filter. */
export function attributeFilter(attr: string | undefined): { key: string; value: string }[] | undefined {
  if (attr === undefined) return undefined;
  const at = attr.indexOf('=');
  return at > 0 ? [{ key: attr.slice(0, at).trim(), value: attr.slice(at + 1).trim() }] : undefined;
}
