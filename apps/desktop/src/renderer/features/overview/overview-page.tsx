import type { ServicesOverview } from '@apo/shared/console';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';
import { QueryState, useNow } from '../../app/data/query-state.tsx';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { CopyButton } from '../../ui/primitives/copy-button.tsx';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { EndpointRows, serviceColumns, type ColumnContext } from './overview-columns.tsx';
import { OverviewFilters } from './overview-filters.tsx';
import { filterChoices, filterServices, sortServices } from './overview-rows.ts';
import { OVERVIEW_SORT_KEYS, parseOverviewSearch, type OverviewSearch } from './overview-search.ts';
import { useServicesOverview } from './use-services-overview.ts';

const OTLP_HINT = 'OTEL_EXPORTER_OTLP_ENDPOINT=http://<host>:4318';

/** The landing page: where does it hurt? One row per service, most degraded first. */
export function OverviewPage() {
  const view = useGlobalSearch();
  const filters = parseOverviewSearch(useSearch({ strict: false }));
  const setSearch = useSetSearch();
  const onFilters = useCallback(
    (patch: Partial<OverviewSearch>, replace?: boolean) => setSearch(patch, { replace: replace ?? false }),
    [setSearch],
  );
  const query = useServicesOverview(view, filters);
  return (
    <div className="page overview-page">
      <div className="page-header">
        <h2>Services</h2>
        <OverviewSummary overview={query.data?.result} />
        <OverviewFilters
          filters={filters}
          onChange={onFilters}
          {...(query.data ? filterChoices(query.data.result.services) : { clusters: [], namespaces: [] })}
        />
      </div>
      <PanelBoundary name="The services overview">
        <QueryState
          query={query}
          what="the services overview"
          skeleton={<TableSkeleton columns={9} label="Loading services" />}
        >
          {(data) => (
            <ServicesPanel
              overview={data.result}
              filters={filters}
              compare={view.compare}
              onFilters={onFilters}
            />
          )}
        </QueryState>
      </PanelBoundary>
    </div>
  );
}

function OverviewSummary({ overview }: { overview: ServicesOverview | undefined }) {
  if (overview === undefined) return <p className="muted summary">&nbsp;</p>;
  const count = (level: string) =>
    overview.services.filter((s) => s.active && s.health.level === level).length;
  return (
    <p className="summary" aria-label="Health summary">
      <span>{overview.services.length} services</span>
      <span className="health health-critical">✖ {count('critical')} critical</span>
      <span className="health health-warning">▲ {count('warning')} warning</span>
      <span className="health health-ok">● {count('ok')} healthy</span>
    </p>
  );
}

function ServicesPanel({
  overview,
  filters,
  compare,
  onFilters,
}: {
  overview: ServicesOverview;
  filters: OverviewSearch;
  compare: 'day' | 'week';
  onFilters: (patch: Partial<OverviewSearch>) => void;
}) {
  const navigate = useNavigate();
  const now = useNow();
  const rows = useMemo(
    () => sortServices(filterServices(overview.services, filters), filters.sort, filters.dir),
    [overview.services, filters],
  );
  if (overview.services.length === 0) {
    return (
      <EmptyState title="No services yet">
        <p>
          APO has received no traces in this time range. Point an OpenTelemetry SDK at the agent (or at this
          server) and services appear here within a minute:
        </p>
        <p className="code-line">
          <code>{OTLP_HINT}</code> <CopyButton text={OTLP_HINT} />
        </p>
        <p className="muted">Already sending? Try a longer time range.</p>
      </EmptyState>
    );
  }
  if (rows.length === 0) {
    return (
      <EmptyState title="No service matches these filters">
        <button
          type="button"
          className="button"
          onClick={() => onFilters({ q: undefined, cluster: undefined, namespace: undefined })}
        >
          Clear filters
        </button>
      </EmptyState>
    );
  }
  const ctx: ColumnContext = {
    thresholds: overview.thresholds,
    compare,
    now,
    expanded: filters.open,
    onToggle: (service) => onFilters({ open: filters.open === service ? undefined : service }),
  };
  return (
    <>
      <DataTable
        label="Services"
        rows={rows}
        columns={serviceColumns(ctx)}
        rowKey={(s) => s.service}
        sort={{ column: filters.sort === 'degraded' ? 'degraded' : filters.sort, dir: filters.dir }}
        onSort={(column) => {
          const key = OVERVIEW_SORT_KEYS.find((k) => k === column);
          if (key === undefined) return;
          const dir =
            filters.sort === key ? (filters.dir === 'asc' ? 'desc' : 'asc') : key === 'name' ? 'asc' : 'desc';
          onFilters({ sort: key, dir });
        }}
        expandedKey={filters.open}
        onToggleExpand={(s) => ctx.onToggle(s.service)}
        renderExpanded={(s) => <EndpointRows service={s} ctx={ctx} />}
        onOpen={(s) => void navigate({ to: '/services/$name', params: { name: s.service } })}
        rowClassName={(s) => (s.active ? undefined : 'inactive')}
        // A service row carries three sparklines and fourteen figures: drawing 200 of them at once held
        // the main thread ~370 ms on a cold load (bench/console-load.bench.ts); a screen shows ~15.
        virtualizeAbove={60}
      />
      <p className="table-legend muted small">
        <span>
          d: change vs yesterday · w: vs last week · bold red: a rise above{' '}
          {overview.thresholds.breachPercent} %
        </span>
        <span>
          {rows.length} of {overview.services.length} services · ↑↓ or j/k move · Enter opens · → shows
          endpoints
        </span>
      </p>
    </>
  );
}
