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
