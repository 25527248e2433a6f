import { byMostDegraded, type ComparedFigure, type ServiceOverview } from '@apo/shared/console';
import type { OverviewSearch, OverviewSortKey } from './overview-search.ts';

/**
 * The rows the overview shows: filtered by cluster and namespace (the server filters too; doing it here as
 * well keeps cached data honest when the filters change offline), then sorted. Free text is the server's
 * alone: it also matches endpoint names, which the overview does not carry, and a result is cached under
 * its search, so an offline copy never answers another search.
 */
export function filterServices(
  services: readonly ServiceOverview[],
  filters: Pick<OverviewSearch, 'cluster' | 'namespace'>,
): ServiceOverview[] {
  return services.filter(
    (s) =>
      (filters.cluster === undefined || s.clusters.includes(filters.cluster)) &&
      (filters.namespace === undefined || s.namespace === filters.namespace),
  );
}

type FigureKey = Exclude<OverviewSortKey, 'degraded' | 'name'>;

function figureOf(s: ServiceOverview, key: FigureKey): ComparedFigure {
  return key === 'logErrors' ? s.logErrors : s[key];
}

export function sortServices(
  services: readonly ServiceOverview[],
  sort: OverviewSortKey,
  dir: 'asc' | 'desc',
): ServiceOverview[] {
  const sign = dir === 'asc' ? 1 : -1;
  const rows = [...services];
  if (sort === 'degraded') {
    const order = byMostDegraded<ServiceOverview>((s) => s.service);
    // "desc" is most degraded first; inactive services sink below active ones either way.
    rows.sort((a, b) => Number(b.active) - Number(a.active) || -sign * order(a, b));
  } else if (sort === 'name') {
    rows.sort((a, b) => sign * a.service.localeCompare(b.service));
  } else {
    rows.sort((a, b) => {
      const x = figureOf(a, sort).value;
      const y = figureOf(b, sort).value;
      // No data sorts last in both directions: an empty cell is never "the highest".
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
      return sign * (x - y) || a.service.localeCompare(b.service);
    });
  }
  return rows;
}

/** The distinct clusters and namespaces in the data, for the filter menus. */
export function filterChoices(services: readonly ServiceOverview[]): {
  clusters: string[];
  namespaces: string[];
} {
  const clusters = new Set<string>();
  const namespaces = new Set<string>();
  for (const s of services) {
    for (const c of s.clusters) clusters.add(c);
    if (s.namespace !== null) namespaces.add(s.namespace);
  }
  return { clusters: [...clusters].sort(), namespaces: [...namespaces].sort() };
}
