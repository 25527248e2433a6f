import './service-map.css';
import type { ServiceMap, ServiceMapNode } from '@apo/shared/console';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { QueryState } from '../../app/data/query-state.tsx';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { ProblemState } from '../../ui/states/problem-state.tsx';
import { ChartSkeleton } from '../../ui/states/skeleton.tsx';
import { edgeSummary, KIND_LABEL, nodeTitle } from '../topology/topology-labels.ts';
import { MapCanvas } from './map-canvas.tsx';
import { mapModel } from './map-model.ts';
import type { ServiceMapSearch } from './service-map-search.ts';
import { layoutWorker, useMapLayout } from './use-map-layout.ts';
import { useServiceMap } from './use-service-map.ts';

const HEALTH_TEXT = {
  ok: 'healthy',
  warning: 'warning',
  critical: 'critical',
  unknown: 'no baseline',
} as const;

/** Every service and dependency, coloured by health; filter, focus a neighbourhood, open a service. */
export function ServiceMapPage() {
  const search: ServiceMapSearch = useSearch({ from: '/shell/service-map' });
  const view = useGlobalSearch();
  const setSearch = useSetSearch();
  const query = useServiceMap(view, search.cluster);
  useEffect(() => void layoutWorker(), []);
  return (
    <div className="page service-map-page">
      <div className="page-header">
        <h2>Service map</h2>
        <span className="muted small">
          Callers left of callees · thicker = more calls/s · border = health{' '}
          {view.compare === 'day' ? 'vs yesterday' : 'vs last week'}
        </span>
      </div>
      <MapFilters
        search={search}
        map={query.data?.result}
        onChange={(patch, replace) => setSearch(patch, { replace })}
      />
      <section className="panel map-panel" aria-label="Service map">
        <PanelBoundary name="Service map">
          <QueryState
            query={query}
            what="the service map"
            skeleton={<ChartSkeleton label="Loading the service map" height={520} />}
          >
            {(data) => (
              <MapView map={data.result} search={search} onFocus={(focus) => setSearch({ focus })} />
            )}
          </QueryState>
        </PanelBoundary>
      </section>
    </div>
  );
}

function MapFilters({
  search,
  map,
  onChange,
}: {
  search: ServiceMapSearch;
  map: ServiceMap | undefined;
  onChange: (patch: Partial<ServiceMapSearch>, replace?: boolean) => void;
}) {
  const [text, setText] = useState(search.q ?? '');
  useEffect(() => setText(search.q ?? ''), [search.q]);
  useEffect(() => {
    if (text === (search.q ?? '')) return;
    const timer = setTimeout(() => onChange({ q: text.trim() === '' ? undefined : text }, true), 250);
    return () => clearTimeout(timer);
  }, [text, search.q, onChange]);
  const values = (pick: (n: ServiceMapNode) => string | null) =>
    [...new Set((map?.nodes ?? []).filter((n) => n.kind === 'service').map(pick))]
      .filter((v): v is string => v !== null && v !== '')
      .sort();
  const withCurrent = (list: string[], current: string | undefined) =>
    current !== undefined && !list.includes(current) ? [current, ...list] : list;
  return (
    <div className="filters" role="search" aria-label="Filter the map">
      <label className="filter">
        <span>Search</span>
        <input
          type="search"
          data-search-input
          placeholder="Service, database, host  ( / )"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <label className="filter">
        <span>Cluster</span>
        <select
          value={search.cluster ?? ''}
          onChange={(e) => onChange({ cluster: e.target.value || undefined, focus: undefined })}
        >
          <option value="">All clusters</option>
          {withCurrent(
            values((n) => n.cluster),
            search.cluster,
          ).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Namespace</span>
        <select
          value={search.namespace ?? ''}
          onChange={(e) => onChange({ namespace: e.target.value || undefined })}
        >
          <option value="">All namespaces</option>
          {withCurrent(
            values((n) => n.namespace),
            search.namespace,
          ).map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
      {search.focus !== undefined && (
        <span className="pill filter-pill">
          focus <strong>{search.focus.replace(/^[a-z]+:[^/]*\//, '')}</strong>
          <button
            type="button"
            className="link-button"
            aria-label="Show the whole map"
            onClick={() => onChange({ focus: undefined })}
          >
            ✕
          </button>
        </span>
      )}
    </div>
  );
}

function MapView({
  map,
  search,
  onFocus,
}: {
  map: ServiceMap;
  search: ServiceMapSearch;
  onFocus: (id: string | undefined) => void;
}) {
  const model = useMemo(() => mapModel(map, search), [map, search]);
  const layout = useMapLayout(model.nodes, model.edges);
  const navigate = useNavigate();
  const open = (node: ServiceMapNode) => {
    if (node.kind === 'service')
      void navigate({
        to: '/services/$name',
        params: { name: node.name },
        search: (s) => ({ ...s, focus: undefined, q: undefined, namespace: undefined, cluster: undefined }),
      });
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && search.focus !== undefined) onFocus(undefined);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [search.focus, onFocus]);
  const drawn = JSON.stringify({
    nodes: model.nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, health: n.health })),
    edges: model.edges.map((e) => ({ from: e.from, to: e.to, rate: e.now.rate, calls: e.now.calls })),
  });
  if (map.nodes.length === 0)
    return (
      <div data-testid="service-map-model" data-model={drawn}>
        <EmptyState title="No services in this range">
          Services appear when their spans or RED metrics reach the server: point an OpenTelemetry SDK at the
          APO agent, or widen the time range.
        </EmptyState>
      </div>
    );
  if (model.nodes.length === 0)
    return (
      <div data-testid="service-map-model" data-model={drawn}>
        <EmptyState title="Nothing matches these filters">Clear the search, namespace or focus.</EmptyState>
      </div>
    );
  const selected = search.focus === undefined ? undefined : model.nodes.find((n) => n.id === search.focus);
  return (
    <div
      className="map-layout"
      data-testid="service-map-model"
      data-model={drawn}
      data-engine={layout.status === 'done' ? layout.layout.engine : ''}
      data-layout-ms={layout.status === 'done' ? layout.totalMs.toFixed(1) : ''}
      data-layout-engine-ms={layout.status === 'done' ? layout.layout.ms.toFixed(1) : ''}
    >
      <div className="map-stage">
        {layout.status === 'pending' && <ChartSkeleton label="Laying out the map" height={520} />}
        {layout.status === 'failed' && (
          <ProblemState title="The map could not be laid out" detail={layout.message} />
        )}
        {layout.status === 'done' && (
          <MapCanvas
            nodes={model.nodes}
            edges={model.edges}
            layout={layout.layout}
            matches={model.matches}
            selected={search.focus}
            onSelect={(n) => onFocus(n?.id)}
            onOpen={open}
          />
        )}
        <p className="map-counts muted small">
          {model.nodes.length} nodes · {model.edges.length} edges
          {map.truncated ? ' (busiest only: the map was cut at its bounds)' : ''}
        </p>
      </div>
      {selected !== undefined && <NodeDetails node={selected} map={map} onOpen={open} onFocus={onFocus} />}
    </div>
  );
}

function NodeDetails({
  node,
  map,
  onOpen,
  onFocus,
}: {
  node: ServiceMapNode;
  map: ServiceMap;
  onOpen: (n: ServiceMapNode) => void;
  onFocus: (id: string | undefined) => void;
}) {
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  const edges = map.edges.filter((e) => e.from === node.id || e.to === node.id);
  return (
    <aside className="map-details" aria-label={`Details of ${node.name}`}>
      <h3>
        <span aria-hidden="true">{KIND_LABEL[node.kind].icon}</span> {node.name}
      </h3>
      <p className="muted small">{nodeTitle(node)}</p>
      <p>
        <span className={`health health-${node.health === 'unknown' ? 'none' : node.health}`}>
          {HEALTH_TEXT[node.health]}
        </span>{' '}
        · {formatValue(node.rate, 'reqPerSec')}
      </p>
      {node.kind === 'service' && (
        <button type="button" className="button" onClick={() => onOpen(node)}>
          Open {node.name}
        </button>
      )}
      <ul className="map-edge-list">
        {edges.map((e) => {
          const other = byId.get(e.from === node.id ? e.to : e.from);
          return (
            <li key={e.id}>
              <button type="button" className="link-button" onClick={() => onFocus(other?.id)}>
                {e.from === node.id ? '→' : '←'} {other?.name ?? '?'}
              </button>
              <span className="muted small num"> {edgeSummary(e)}</span>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
