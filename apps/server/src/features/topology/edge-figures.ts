/**
 * Joins the two halves of the topology: structure (topology_edges, from sampled spans) and figures
 * (red_client_1m, from 100 % of calls). Each rollup row is keyed the way the agent labelled the call
 * (cluster, service, call type, peer, system, database, destination, role); the structure says which
 * service answered calls under that key. A key no stored span explains still becomes an edge, to the node its
 * labels name (a database, a queue, an external host): figures are never dropped for lack of a sample.
 */
import { changePercent, scoreHealth, topologyNodeId } from '@apo/shared/console';
import type {
  EdgeFigures,
  HealthThresholds,
  TopologyEdge,
  TopologyNode,
  TopologyNodeKind,
} from '@apo/shared/console';
import { interpolateQuantile, RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT } from '@apo/shared/red';
import type { CallsRow, StructureRow } from './topology-queries.ts';

interface KeyParts {
  cluster: string;
  service: string;
  call_type: string;
  peer: string;
  system: string;
  db_namespace: string;
  destination: string;
  role: string;
}

const keyOf = (k: KeyParts): string =>
  [k.cluster, k.service, k.call_type, k.peer, k.system, k.db_namespace, k.destination, k.role].join('\u0000');

export function serviceNode(cluster: string, name: string, namespace: string | null): TopologyNode {
  return {
    id: topologyNodeId('service', cluster, name),
    kind: 'service',
    name,
    cluster,
    namespace,
    system: '',
  };
}

function otherNode(kind: TopologyNodeKind, cluster: string, name: string, system: string): TopologyNode {
  return { id: topologyNodeId(kind, cluster, name, system), kind, name, cluster, namespace: null, system };
}

/** The callee a call key reaches by its labels alone (as edge-structure.ts names it). */
function labelledNode(k: KeyParts): TopologyNode {
  if (k.call_type === 'db')
    return otherNode('database', k.cluster, k.db_namespace || k.peer || k.system, k.system);
  if (k.call_type === 'messaging')
    return otherNode('queue', k.cluster, k.destination || k.peer || k.system, k.system);
  return otherNode('external', k.cluster, k.peer || '(unknown peer)', k.system);
}

function structureCallee(row: StructureRow): TopologyNode {
  if (row.callee_kind === 'service')
    return serviceNode(row.callee_cluster, row.callee_name, row.callee_ns === '' ? null : row.callee_ns);
  const kind: TopologyNodeKind =
    row.callee_kind === 'database' ? 'database' : row.callee_kind === 'queue' ? 'queue' : 'external';
  return otherNode(kind, row.callee_cluster, row.callee_name, row.system);
}

interface Sum {
  calls: number;
  errors: number;
  sumMs: number;
  buckets: number[];
}
const emptySum = (): Sum => ({
  calls: 0,
  errors: 0,
  sumMs: 0,
  buckets: new Array<number>(RED_BUCKET_COUNT).fill(0),
});

/** An edge being assembled: its ends, the callee-side endpoints, and figures per period. */
export interface EdgeDraft {
  from: TopologyNode;
  to: TopologyNode;
  /** The caller service's side (for upstream narrowing) and the callee's endpoints seen in spans. */
  caller: { cluster: string; service: string };
  calleeEndpoints: Set<string>;
  callerEndpoints: Set<string>;
  periods: Sum[];
  sharedAddress: boolean;
  structureKnown: boolean;
}

export class EdgeAssembly {
  readonly drafts = new Map<string, EdgeDraft>();
  readonly #callees = new Map<string, StructureRow[]>();
  readonly #periods: number;

  constructor(structure: readonly StructureRow[], periods: number) {
    this.#periods = periods;
    for (const row of structure) {
      const key = keyOf({ ...row, cluster: row.caller_cluster, service: row.caller_service });
      const list = this.#callees.get(key);
      if (list === undefined) this.#callees.set(key, [row]);
      else list.push(row);
      // Structure seen in the range is an edge even when the rollups of the range have no call for it.
      if (row.in_range === 1) {
        const draft = this.#draft(row, structureCallee(row));
        draft.structureKnown = true;
        if (row.caller_endpoint !== '') draft.callerEndpoints.add(row.caller_endpoint);
        if (row.callee_endpoint !== '') draft.calleeEndpoints.add(row.callee_endpoint);
      }
    }
  }

  #draft(
    k: { caller_cluster: string; caller_service: string; caller_ns: string; role: string },
    callee: TopologyNode,
  ): EdgeDraft {
    const caller = serviceNode(k.caller_cluster, k.caller_service, k.caller_ns === '' ? null : k.caller_ns);
    // A queue's consumers: the data flows from the queue to the consuming service.
    const [from, to] = k.role === 'consumer' && callee.kind === 'queue' ? [callee, caller] : [caller, callee];
    const id = `${from.id}→${to.id}`;
    let draft = this.drafts.get(id);
    if (draft === undefined) {
      draft = {
        from,
        to,
        caller: { cluster: k.caller_cluster, service: k.caller_service },
        calleeEndpoints: new Set(),
        callerEndpoints: new Set(),
        periods: Array.from({ length: this.#periods }, emptySum),
        sharedAddress: false,
        structureKnown: false,
      };
      this.drafts.set(id, draft);
    } else if (draft.from.namespace === null && from.namespace !== null) draft.from = from;
    return draft;
  }

  /** Adds one rollup row's figures to the edge(s) its key maps to. */
  addCalls(row: CallsRow): void {
    if (row.period >= this.#periods) return;
    const mapped = this.#callees.get(keyOf(row)) ?? [];
    const services = new Map<string, StructureRow>();
    for (const s of mapped)
      if (s.callee_kind === 'service') services.set(`${s.callee_cluster}/${s.callee_name}`, s);
    const caller = {
      caller_cluster: row.cluster,
      caller_service: row.service,
      caller_ns: mapped[0]?.caller_ns ?? '',
      role: row.role,
    };
    const targets =
      services.size > 0
        ? [...services.values()].map((s) => structureCallee(s))
        : [mapped[0] === undefined ? labelledNode(row) : structureCallee(mapped[0])];
    for (const callee of targets) {
      const draft = this.#draft(caller, callee);
      if (services.size > 1) draft.sharedAddress = true;
      const sum = draft.periods[row.period];
      if (sum === undefined) continue;
      sum.calls += row.calls;
      sum.errors += row.errors;
      sum.sumMs += row.sum_ms;
      row.buckets.forEach((c, i) => {
        if (i < sum.buckets.length) sum.buckets[i] = (sum.buckets[i] ?? 0) + c;
      });
    }
  }
}

function figures(sum: Sum, seconds: number): EdgeFigures {
  const has = sum.calls > 0;
  return {
    rate: seconds > 0 ? sum.calls / seconds : 0,
    calls: sum.calls,
    errors: sum.errors,
    errorRate: has ? sum.errors / sum.calls : null,
    latencyAvg: has ? sum.sumMs / sum.calls : null,
    latencyP95: has ? interpolateQuantile(sum.buckets, RED_BUCKET_BOUNDS_MS, 0.95) : null,
  };
}

/** The finished edge: figures of period 0 (the range) and `before` (period 1, the comparison copy). */
export function finishEdge(draft: EdgeDraft, seconds: number, thresholds: HealthThresholds): TopologyEdge {
  const now = figures(draft.periods[0] ?? emptySum(), seconds);
  const past = draft.periods[1];
  const before = past === undefined || past.calls === 0 ? null : figures(past, seconds);
  const change = {
    rate: changePercent(now.rate, before?.rate ?? null),
    errorRate: changePercent(now.errorRate, before?.errorRate ?? null),
    latencyP95: changePercent(now.latencyP95, before?.latencyP95 ?? null),
  };
  const health = scoreHealth(
    { latency: change.latencyP95, errorRate: change.errorRate, logErrors: null },
    thresholds,
  );
  return {
    id: `${draft.from.id}→${draft.to.id}`,
    from: draft.from.id,
    to: draft.to.id,
    now,
    before,
    change,
    health: health.level,
    sharedAddress: draft.sharedAddress,
    structureKnown: draft.structureKnown,
  };
}
