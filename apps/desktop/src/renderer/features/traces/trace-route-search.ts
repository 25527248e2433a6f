/** URL state of the trace views: which cluster a stored trace is read from. */
export interface TraceViewSearch {
  cluster?: string | undefined;
}

export function validateTraceViewSearch(raw: Record<string, unknown>): TraceViewSearch {
  const cluster = raw.cluster;
  return typeof cluster === 'string' && cluster !== '' ? { cluster: cluster.slice(0, 64) } : {};
}
