import './topology.css';
import type { TopologyNeighbour, TopologyNeighbours } from '@apo/shared/console';
import { useNavigate } from '@tanstack/react-router';
import { QueryState } from '../../app/data/query-state.tsx';
import { useGlobalSearch } from '../../app/use-view-search.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { edgeChange, edgeSummary, KIND_LABEL, nodeTitle } from './topology-labels.ts';
import { useNeighbours } from './use-neighbours.ts';

const HEALTH_WORD = { ok: 'healthy', warning: 'degraded', critical: 'critical' } as const;

/**
 * A service's upstream and downstream neighbours (services, databases, external hosts, queues), each edge
 * with calls/s, error rate and p95 from the 100 % rollups, coloured by its change vs the comparison
 * period. A service opens its own page; other nodes open the service map focused on them.
 */
export function TopologyPanel({ service, endpoint }: { service: string; endpoint?: string | undefined }) {
  const view = useGlobalSearch();
  const query = useNeighbours(view, service, endpoint);
  return (
    <section className="panel topology-panel" aria-label="Topology">
      <h3>
        Topology <span className="muted small">calls between services, from every request</span>
      </h3>
      <PanelBoundary name="Topology">
        <QueryState
          query={query}
          what={`the neighbours of ${service}`}
          skeleton={<TableSkeleton columns={3} rows={3} label="Loading topology" />}
        >
          {(data) => <Neighbours data={data.result} compare={view.compare} />}
        </QueryState>
      </PanelBoundary>
    </section>
  );
}

/** What the panel drew, for tests: names, kinds and the figures shown. */
function drawnModel(data: TopologyNeighbours) {
  const side = (list: TopologyNeighbour[]) =>
    list.map((n) => ({
      kind: n.node.kind,
      name: n.node.name,
      calls: n.edge.now.calls,
      rate: n.edge.now.rate,
      errorRate: n.edge.now.errorRate,
      latencyP95: n.edge.now.latencyP95,
      health: n.edge.health,
    }));
  return JSON.stringify({
    seconds: (data.toMs - data.fromMs) / 1000,
    upstream: side(data.upstream),
    downstream: side(data.downstream),
  });
}

function Neighbours({ data, compare }: { data: TopologyNeighbours; compare: 'day' | 'week' }) {
  if (data.upstream.length === 0 && data.downstream.length === 0) {
    return (
      <div data-testid="topology-model" data-topology={drawnModel(data)}>
        <EmptyState title="No calls to or from this service in this range">
          Edges appear when the service calls, or is called by, another service, a database, a host or a queue
          instrumented with OpenTelemetry; try a longer range.
        </EmptyState>
      </div>
    );
  }
  const compareLabel = compare === 'day' ? 'vs yesterday' : 'vs last week';
  return (
    <div className="topology-columns" data-testid="topology-model" data-topology={drawnModel(data)}>
      <Side
        title="Calls it"
        label="Upstream"
        list={data.upstream}
        compareLabel={compareLabel}
        direction="in"
      />
      <div className="topology-center" aria-label={`This service: ${data.center.name}`}>
        <span aria-hidden="true">{KIND_LABEL.service.icon}</span> {data.center.name}
        {data.endpoint !== null && <span className="muted small">{data.endpoint}</span>}
      </div>
      <Side
        title="It calls"
        label="Downstream"
        list={data.downstream}
        compareLabel={compareLabel}
        direction="out"
      />
      {data.truncated && <p className="muted small">Only the 200 busiest neighbours per side are shown.</p>}
    </div>
  );
}

function Side({
  title,
  label,
  list,
  compareLabel,
  direction,
}: {
  title: string;
  label: string;
  list: TopologyNeighbour[];
  compareLabel: string;
  direction: 'in' | 'out';
}) {
  const navigate = useNavigate();
  const open = (n: TopologyNeighbour) => {
    if (n.node.kind === 'service')
      void navigate({
        to: '/services/$name',
        params: { name: n.node.name },
        search: (s) => ({ ...s, endpoint: undefined }),
      });
    else void navigate({ to: '/service-map', search: (s) => ({ ...s, focus: n.node.id }) });
  };
  return (
    <div className={`topology-side ${direction}`}>
      <h4>
        {label} <span className="muted small">({list.length})</span>
      </h4>
      {list.length === 0 ? (
        <p className="muted small">{direction === 'in' ? 'No callers seen.' : 'No calls out.'}</p>
      ) : (
        <ul aria-label={label}>
          {list.map((n) => (
            <li key={n.node.id}>
              <button
                type="button"
                className={`topology-edge edge-${n.edge.health}`}
                title={`${nodeTitle(n.node)}\n${edgeSummary(n.edge)}\n${edgeChange(n.edge, compareLabel)}${
                  n.endpoints.length > 0 ? `\nendpoints: ${n.endpoints.join(', ')}` : ''
                }${n.edge.sharedAddress ? '\nfigures are for a shared address (several services behind it)' : ''}`}
                aria-label={`${title} ${nodeTitle(n.node)}: ${edgeSummary(n.edge)}, ${HEALTH_WORD[n.edge.health]}`}
                onClick={() => open(n)}
              >
                <span className="topology-node">
                  <span aria-hidden="true" className="kind-icon">
                    {KIND_LABEL[n.node.kind].icon}
                  </span>
                  <span className="node-name">{n.node.name}</span>
                  {n.node.system !== '' && n.node.system !== 'http' && (
                    <span className="muted small">{n.node.system}</span>
                  )}
                </span>
                <span className="topology-figures num">{edgeSummary(n.edge)}</span>
                <span className={`topology-change edge-text-${n.edge.health}`}>
                  {HEALTH_WORD[n.edge.health]} · {edgeChange(n.edge, compareLabel)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
