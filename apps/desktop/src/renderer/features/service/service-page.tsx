import { Link, useParams, useSearch } from '@tanstack/react-router';
import { useMemo } from 'react';
import { QueryState } from '../../app/data/query-state.tsx';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { DetailPanel } from './detail-panel.tsx';
import { EndpointsTable } from './endpoints-table.tsx';
import { HostsTable } from './hosts-table.tsx';
import { PagedCalls, PagedErrors, PagedInstances } from './paged-lists.tsx';
import { RedCharts } from './red-charts.tsx';
import { TopologyPanel } from '../topology/topology-panel.tsx';
import { eventMarkers, redCharts } from './red-series.ts';
import { StatusLightsState } from './status-lights.tsx';
import { useServiceDetail } from './use-service-detail.ts';
import { useServiceRed, type Overlay } from './use-service-red.ts';

/** The choices, with the URL's current one kept even while the list is loading or lacks it. */
const withCurrent = (list: readonly string[], current: string | undefined) =>
  current === undefined || list.includes(current) ? list : [current, ...list];

const OVERLAY_LABEL: Record<Overlay, string> = { day: 'yesterday', week: 'last week' };

/**
 * One service — or one endpoint / instance of it (URL state) — answering "is it the service itself or
 * something it calls, and which instance?": RED with event markers and an optional comparison overlay, the
 * delay source per endpoint, its neighbours, database and external calls, instances, errors and hosts.
 */
export function ServicePage() {
  const { name } = useParams({ from: '/shell/services/$name' });
  const { endpoint, instance, overlay } = useSearch({ from: '/shell/services/$name' });
  const view = useGlobalSearch();
  const setSearch = useSetSearch();
  const { red, comparison, endpoints, events, shiftMs } = useServiceRed(view, name, {
    endpoint,
    instance,
    overlay,
  });
  const detail = useServiceDetail(view, name);
  const charts = useMemo(() => {
    if (red.data === undefined) return null;
    const cmp =
      overlay !== undefined && comparison.data
        ? { steps: comparison.data.result, shiftMs, label: OVERLAY_LABEL[overlay] }
        : null;
    return redCharts(red.data.result, cmp);
  }, [red.data, comparison.data, shiftMs, overlay]);
  const markers = eventMarkers(events.data?.result ?? []);
  const failed = [
    overlay !== undefined && comparison.isError && 'the comparison overlay',
    events.isError && 'change events',
  ].filter(Boolean);
  const subject = [name, endpoint, instance === undefined ? undefined : `on ${instance}`]
    .filter((s) => s !== undefined)
    .join(' ');
  const comparePeriod = view.compare === 'day' ? 'yesterday' : 'last week';
  const pill = (what: string, value: string, clear: () => void) => (
    <span className="pill filter-pill">
      {what} <strong>{value}</strong>
      <button type="button" className="link-button" aria-label={`Show every ${what}`} onClick={clear}>
        ✕
      </button>
    </span>
  );
  return (
    <div className="page service-page">
      <div className="page-header">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/">Overview</Link> <span aria-hidden="true">/</span>
        </nav>
        <h2>{name}</h2>
        {endpoint !== undefined && pill('endpoint', endpoint, () => setSearch({ endpoint: undefined }))}
        <Link
          to="/investigate"
          search={{ service: name, endpoint }}
          className="button small"
          aria-label={`Investigate ${endpoint === undefined ? name : `${name} ${endpoint}`}`}
        >
          ⌕ Investigate
        </Link>
        <PanelBoundary name="Status lights">
          <StatusLightsState query={detail.infrastructure} />
        </PanelBoundary>
      </div>
      <div className="view-controls chart-toolbar">
        <label className="filter">
          <span>Instance</span>
          <select
            value={instance ?? ''}
            onChange={(e) => setSearch({ instance: e.target.value || undefined })}
          >
            <option value="">All instances</option>
            {withCurrent(detail.instances.data?.result.instances.map((i) => i.instance) ?? [], instance).map(
              (i) => (
                <option key={i}>{i}</option>
              ),
            )}
          </select>
        </label>
        <span className="muted small">Overlay</span>
        <div className="segmented" role="group" aria-label="Overlay a comparison period">
          {([undefined, 'day', 'week'] as const).map((o) => (
            <button
              key={o ?? 'none'}
              type="button"
              className="button small"
              aria-pressed={overlay === o}
              onClick={() => setSearch({ overlay: o })}
            >
              {o === undefined ? 'none' : OVERLAY_LABEL[o]}
            </button>
          ))}
        </div>
      </div>
      {failed.length > 0 && (
        <p role="status" className="partial-note">
          Partly shown: {failed.join(', ')} could not be loaded; the rest is current.
        </p>
      )}
      <RedCharts
        red={red}
        charts={charts}
        markers={markers}
        subject={subject}
        onBrush={(fromMs, toMs) => setSearch({ from: fromMs, to: toMs })}
      />
      <div className="detail-grid">
        <section className="panel" aria-label="Endpoints">
          <div className="panel-title">
            <h3>Endpoints</h3>
            <span className="muted small">delay source: share of time in own code vs waiting on calls</span>
          </div>
          <PanelBoundary name="Endpoints">
            <QueryState
              query={endpoints}
              what={`the endpoints of ${name}`}
              skeleton={<TableSkeleton columns={6} rows={4} label="Loading endpoints" />}
            >
              {(data) => (
                <EndpointsTable
                  rows={data.result}
                  delaySources={detail.delaySource.data?.result.endpoints}
                  selected={endpoint}
                  onSelect={(e) => setSearch({ endpoint: e === endpoint ? undefined : e })}
                />
              )}
            </QueryState>
          </PanelBoundary>
        </section>
        <TopologyPanel service={name} endpoint={endpoint} />
      </div>
      <DetailPanel
        title="Database and external calls"
        note={`all calls (100 %), latency vs ${comparePeriod}`}
        query={detail.calls}
        what={`the calls of ${name}`}
        columns={8}
      >
        {(data, range) => <PagedCalls service={name} data={data} range={range} />}
      </DetailPanel>
      <DetailPanel
        title="Instances"
        note="process figures averaged over the range; RSS and FDs latest"
        query={detail.instances}
        what={`the instances of ${name}`}
        columns={10}
      >
        {(data, range) => (
          <PagedInstances
            service={name}
            data={data}
            range={range}
            selected={instance}
            onSelect={(i) => setSearch({ instance: i === instance ? undefined : i })}
          />
        )}
      </DetailPanel>
      <DetailPanel
        title="Errors"
        note="error spans by exception"
        query={detail.errors}
        what={`the errors of ${name}`}
        columns={6}
      >
        {(data, range) => <PagedErrors service={name} data={data} range={range} />}
      </DetailPanel>
      <DetailPanel
        title="Hosts"
        note="node figures over the range"
        query={detail.infrastructure}
        what={`the hosts of ${name}`}
        columns={9}
      >
        {(data) => <HostsTable rows={data.hosts} />}
      </DetailPanel>
    </div>
  );
}
