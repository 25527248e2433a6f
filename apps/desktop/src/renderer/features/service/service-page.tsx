import { Link, useParams, useSearch } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { QueryState } from '../../app/data/query-state.tsx';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { Chart } from '../../ui/chart/chart.tsx';
import type { ChartSeries } from '../../ui/chart/chart-options.ts';
import { DataTable, type TableSort } from '../../ui/data-table/data-table.tsx';
import type { Unit } from '../../ui/format/units.ts';
import { formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { ChartSkeleton, TableSkeleton } from '../../ui/states/skeleton.tsx';
import { TopologyPanel } from '../topology/topology-panel.tsx';
import { eventMarkers, redCharts } from './red-series.ts';
import { useServiceRed } from './use-service-red.ts';

const CHART_HEIGHT = 190;

/** One service: its RED over the range (or one endpoint's), against the comparison period, and its endpoints. */
export function ServicePage() {
  const { name } = useParams({ from: '/shell/services/$name' });
  const { endpoint } = useSearch({ from: '/shell/services/$name' });
  const view = useGlobalSearch();
  const setSearch = useSetSearch();
  const { red, comparison, endpoints, events, shiftMs } = useServiceRed(view, name, endpoint);
  const charts = useMemo(() => {
    if (red.data === undefined) return null;
    const cmp = comparison.data
      ? { steps: comparison.data.result, shiftMs, label: view.compare === 'day' ? 'yesterday' : 'last week' }
      : null;
    return redCharts(red.data.result, cmp);
  }, [red.data, comparison.data, shiftMs, view.compare]);
  const markers = eventMarkers(events.data?.result ?? []);
  const failed = [
    comparison.isError && 'the comparison period',
    events.isError && 'change events',
    endpoints.isError && 'endpoints',
  ].filter(Boolean);
  const onBrush = (fromMs: number, toMs: number) => setSearch({ from: fromMs, to: toMs });
  const chart = (title: string, series: ChartSeries[] | undefined, unit: Unit) => (
    <section className="panel chart-panel" aria-label={title}>
      <h3>{title}</h3>
      <PanelBoundary name={title}>
        <QueryState
          query={red}
          what={`the ${title.toLowerCase()} of ${name}`}
          skeleton={<ChartSkeleton label={`Loading ${title}`} height={CHART_HEIGHT} />}
        >
          {(data) =>
            series === undefined ? null : (
              <Chart
                label={`${title} of ${name}${endpoint ? ` ${endpoint}` : ''}`}
                spec={{ series, unit, fromMs: data.fromMs, toMs: data.toMs, markers }}
                height={CHART_HEIGHT}
                onBrush={onBrush}
              />
            )
          }
        </QueryState>
      </PanelBoundary>
    </section>
  );
  return (
    <div className="page service-page">
      <div className="page-header">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/">Overview</Link> <span aria-hidden="true">/</span>
        </nav>
        <h2>{name}</h2>
        {endpoint !== undefined && (
          <span className="pill filter-pill">
            endpoint <strong>{endpoint}</strong>
            <button
              type="button"
              className="link-button"
              aria-label="Show the whole service"
              onClick={() => setSearch({ endpoint: undefined })}
            >
              ✕
            </button>
          </span>
        )}
        <span className="muted small">Drag across a chart to zoom into that span.</span>
      </div>
      {failed.length > 0 && (
        <p role="status" className="partial-note">
          Partly shown: {failed.join(', ')} could not be loaded; the rest is current.
        </p>
      )}
      <div className="chart-grid">
        {chart('Throughput', charts?.throughput, 'reqPerSec')}
        {chart('Error rate', charts?.errorRate, 'percent')}
        {chart('Latency', charts?.latency, 'ms')}
      </div>
      <TopologyPanel service={name} endpoint={endpoint} />
      <section className="panel" aria-label="Endpoints">
        <h3>Endpoints</h3>
        <PanelBoundary name="Endpoints">
          <QueryState
            query={endpoints}
            what={`the endpoints of ${name}`}
            skeleton={<TableSkeleton columns={5} rows={5} label="Loading endpoints" />}
          >
            {(data) => (
              <EndpointsTable
                rows={data.result}
                selected={endpoint}
                onSelect={(e) => setSearch({ endpoint: e === endpoint ? undefined : e })}
              />
            )}
          </QueryState>
        </PanelBoundary>
      </section>
    </div>
  );
}

interface EndpointRow {
  endpoint: string;
  count: number;
  errors: number;
  avg: number | null;
  p95: number | null;
}

function EndpointsTable({
  rows,
  selected,
  onSelect,
}: {
  rows: EndpointRow[];
  selected: string | undefined;
  onSelect: (endpoint: string) => void;
}) {
  const [sort, setSort] = useState<TableSort>({ column: 'count', dir: 'desc' });
  const sorted = useMemo(() => {
    const value = (r: EndpointRow): number | string | null => {
      switch (sort.column) {
        case 'endpoint':
          return r.endpoint;
        case 'errors':
          return r.errors;
        case 'avg':
          return r.avg;
        case 'p95':
          return r.p95;
        default:
          return r.count;
      }
    };
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
      return typeof x === 'string' ? sign * x.localeCompare(String(y)) : sign * (x - Number(y));
    });
  }, [rows, sort]);
  if (rows.length === 0)
    return <EmptyState title="No endpoint had requests in this range">Try a longer time range.</EmptyState>;
  return (
    <DataTable
      label="Endpoints"
      rows={sorted}
      rowKey={(r) => r.endpoint}
      sort={sort}
      onSort={(column) =>
        setSort((s) => ({ column, dir: s.column === column && s.dir === 'desc' ? 'asc' : 'desc' }))
      }
      onOpen={(r) => onSelect(r.endpoint)}
      rowClassName={(r) => (r.endpoint === selected ? 'selected' : undefined)}
      columns={[
        { id: 'endpoint', header: 'Endpoint', sortable: true, cell: (r) => r.endpoint },
        {
          id: 'count',
          header: 'Requests',
          numeric: true,
          sortable: true,
          cell: (r) => formatValue(r.count, 'count'),
        },
        {
          id: 'errors',
          header: 'Errors',
          numeric: true,
          sortable: true,
          cell: (r) => formatValue(r.errors, 'count'),
        },
        { id: 'avg', header: 'Avg', numeric: true, sortable: true, cell: (r) => formatValue(r.avg, 'ms') },
        { id: 'p95', header: 'p95', numeric: true, sortable: true, cell: (r) => formatValue(r.p95, 'ms') },
      ]}
    />
  );
}
