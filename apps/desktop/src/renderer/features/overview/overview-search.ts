/** The overview's own URL state: filters, sort and the expanded service. */
export const OVERVIEW_SORT_KEYS = [
  'degraded',
  'name',
  'throughput',
  'errorRate',
  'latencyAvg',
  'latencyP95',
  'latencyP99',
  'logErrors',
] as const;
export type OverviewSortKey = (typeof OVERVIEW_SORT_KEYS)[number];
type SortDirection = 'asc' | 'desc';

export interface OverviewSearch {
  cluster?: string | undefined;
  namespace?: string | undefined;
  q?: string | undefined;
  sort: OverviewSortKey;
  dir: SortDirection;
  /** The service whose endpoints are shown. */
  open?: string | undefined;
}

function text(value: unknown, max = 200): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().slice(0, max);
  return trimmed === '' ? undefined : trimmed;
}

export function parseOverviewSearch(raw: Record<string, unknown>): OverviewSearch {
  const sort = OVERVIEW_SORT_KEYS.find((k) => k === raw.sort) ?? 'degraded';
  // Names sort A→Z by default; figures largest first, which is what a degraded-first reader wants.
  const defaultDir: SortDirection = sort === 'name' ? 'asc' : 'desc';
  return {
    cluster: text(raw.cluster, 64),
    namespace: text(raw.namespace),
    q: text(raw.q),
    sort,
    dir: raw.dir === 'asc' || raw.dir === 'desc' ? raw.dir : defaultDir,
    open: text(raw.open, 1024),
  };
}
