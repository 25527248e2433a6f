import type { EndpointOverview, HealthThresholds, RedOverview, ServiceOverview } from '@apo/shared/console';
import { Link, useSearch } from '@tanstack/react-router';
import { useGlobalSearch } from '../../app/use-view-search.ts';
import type { Column } from '../../ui/data-table/data-table.tsx';
import { formatAgo, formatExactTime } from '../../ui/format/time.ts';
import { HealthBadge } from '../../ui/health/health-badge.tsx';
import { Tooltip } from '../../ui/primitives/tooltip.tsx';
import { FigureCell } from './figure-cell.tsx';
import { parseOverviewSearch } from './overview-search.ts';
import { useServiceEndpoints } from './use-services-overview.ts';

export interface ColumnContext {
  thresholds: HealthThresholds;
  compare: 'day' | 'week';
  now: number;
  expanded: string | undefined;
  onToggle: (service: string) => void;
}

/** The RED figure columns, shared by service rows and their endpoint rows so both line up. */
function redCells(row: RedOverview, ctx: ColumnContext) {
  const common = { breachPercent: ctx.thresholds.breachPercent, compare: ctx.compare };
  const spark = row.sparkline;
  const trend = (name: string, points: readonly (number | null)[]) => ({
    name,
    points,
    fromMs: spark.fromMs,
    stepMs: spark.stepMs,
  });
  return {
    throughput: (
      <FigureCell
        figure={row.throughput}
        unit="reqPerSec"
        direction="neutral"
        trend={trend('throughput', spark.throughput)}
        {...common}
      />
    ),
    errorRate: (
      <FigureCell
        figure={row.errorRate}
        unit="ratio"
        direction="higher-is-worse"
        trend={trend('error rate', spark.errorRate)}
        {...common}
      />
    ),
    latencyAvg: <FigureCell figure={row.latencyAvg} unit="ms" direction="higher-is-worse" {...common} />,
    latencyP95: (
      <FigureCell
        figure={row.latencyP95}
        unit="ms"
        direction="higher-is-worse"
        trend={trend('p95 latency', spark.latencyP95)}
        {...common}
      />
    ),
    latencyP99: <FigureCell figure={row.latencyP99} unit="ms" direction="higher-is-worse" {...common} />,
  };
}

function When({ atMs, now, label }: { atMs: number; now: number; label: string }) {
  return (
    <Tooltip content={`${label}: ${formatExactTime(atMs)}`}>
      <time dateTime={new Date(atMs).toISOString()} tabIndex={0}>
        {formatAgo(atMs, now)}
      </time>
    </Tooltip>
  );
}

export function serviceColumns(ctx: ColumnContext): Column<ServiceOverview>[] {
  const compareLabel = ctx.compare === 'day' ? 'vs yesterday' : 'vs last week';
  return [
    {
      id: 'name',
      header: 'Service',
      sortable: true,
      className: 'service-cell',
      cell: (s) => (
        <div className="service-name">
          <button
            type="button"
            className="expand-button"
            aria-expanded={ctx.expanded === s.service}
            aria-label={`${ctx.expanded === s.service ? 'Hide' : 'Show'} endpoints of ${s.service}`}
            onClick={() => ctx.onToggle(s.service)}
          >
            {ctx.expanded === s.service ? '▾' : '▸'}
          </button>
          <div>
            <Link to="/services/$name" params={{ name: s.service }} className="service-link">
              {s.service}
            </Link>
            <Link
              to="/investigate"
              search={{ service: s.service }}
              className="row-action"
              aria-label={`Investigate ${s.service}`}
              title={`Investigate ${s.service}: from its impact to the most likely cause`}
            >
              ⌕ Investigate
            </Link>
            <div className="muted small">
              {[s.namespace, ...s.clusters].filter((x) => x !== null).join(' · ') || 'no cluster'}
              {!s.active && <span className="muted"> · no requests in range</span>}
            </div>
          </div>
        </div>
      ),
    },
    {
      id: 'degraded',
      header: 'Health',
      sortable: true,
      cell: (s) =>
        s.active ? (
          <HealthBadge score={s.health} thresholds={ctx.thresholds} compareLabel={compareLabel} />
        ) : (
          // No requests in the range: no evidence either way, so no colour.
          <span className="pill">Idle</span>
        ),
    },
    {
      id: 'throughput',
      header: 'Throughput',
      numeric: true,
      sortable: true,
      cell: (s) => redCells(s, ctx).throughput,
    },
    {
      id: 'errorRate',
      header: 'Error rate',
      numeric: true,
      sortable: true,
      cell: (s) => redCells(s, ctx).errorRate,
    },
    {
      id: 'latencyAvg',
      header: 'Avg',
      numeric: true,
      sortable: true,
      cell: (s) => redCells(s, ctx).latencyAvg,
    },
    {
      id: 'latencyP95',
      header: 'p95',
      numeric: true,
      sortable: true,
      cell: (s) => redCells(s, ctx).latencyP95,
    },
    {
      id: 'latencyP99',
      header: 'p99',
      numeric: true,
      sortable: true,
      cell: (s) => redCells(s, ctx).latencyP99,
    },
    {
      id: 'logErrors',
      header: 'Log errors',
      numeric: true,
      sortable: true,
      cell: (s) => (
        <FigureCell
          figure={s.logErrors}
          unit="count"
          direction="higher-is-worse"
          breachPercent={ctx.thresholds.breachPercent}
          compare={ctx.compare}
        />
      ),
    },
    {
      id: 'changes',
      header: 'Last change',
      className: 'last-change',
      cell: (s) => (
        <div className="small">
          <div>
            ↺{' '}
            {s.lastRestartMs === null ? (
              <span className="muted">no restart</span>
            ) : (
              <When atMs={s.lastRestartMs} now={ctx.now} label="Last restart" />
            )}
          </div>
          <div>
            ⇪{' '}
            {s.lastVersionChange === null ? (
              <span className="muted">no new version</span>
            ) : (
              <>
                <span className="version">{s.lastVersionChange.version}</span>{' '}
                <When
                  atMs={s.lastVersionChange.atMs}
                  now={ctx.now}
                  label={`Version ${s.lastVersionChange.version} since`}
                />
              </>
            )}
          </div>
        </div>
      ),
    },
  ];
}

/**
 * A service's busiest endpoints under its row, in the same columns: fetched when the row is expanded
 * (`overview.endpoints`), with the overview's range, comparison and filters.
 */
export function EndpointRows({ service, ctx }: { service: ServiceOverview; ctx: ColumnContext }) {
  const view = useGlobalSearch();
  const filters = parseOverviewSearch(useSearch({ strict: false }));
  const query = useServiceEndpoints(view, filters, service.service);
  const message = (text: string, retry?: () => void) => (
    <tr className="endpoint-row">
      <td colSpan={9} className="muted" role={retry === undefined ? 'status' : 'alert'}>
        {text}{' '}
        {retry !== undefined && (
          <button type="button" className="button" onClick={retry}>
            Retry
          </button>
        )}
      </td>
    </tr>
  );
  if (query.data === undefined) {
    return query.isError
      ? message(`The endpoints of ${service.service} could not be loaded: ${query.error.message}`, () => {
          void query.refetch();
        })
      : message(`Loading the endpoints of ${service.service}…`);
  }
  const endpoints = query.data.result.endpoints;
  if (endpoints.length === 0) {
    return message(`No endpoint of ${service.service} had requests in this range.`);
  }
  return endpoints.map((e: EndpointOverview) => {
    const cells = redCells(e, ctx);
    return (
      <tr key={e.endpoint} className="endpoint-row" aria-label={`Endpoint ${e.endpoint}`}>
        <td className="endpoint-name" title={e.endpoint}>
          <Link to="/services/$name" params={{ name: service.service }} search={{ endpoint: e.endpoint }}>
            {e.endpoint}
          </Link>
        </td>
        <td>
          <HealthBadge
            score={e.health}
            thresholds={ctx.thresholds}
            compareLabel={ctx.compare === 'day' ? 'vs yesterday' : 'vs last week'}
          />
        </td>
        <td className="num">{cells.throughput}</td>
        <td className="num">{cells.errorRate}</td>
        <td className="num">{cells.latencyAvg}</td>
        <td className="num">{cells.latencyP95}</td>
        <td className="num">{cells.latencyP99}</td>
        <td />
        <td />
      </tr>
    );
  });
}
