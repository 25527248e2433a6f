/**
 * `topology.neighbours` and `topology.map`: structure from the topology job's table, figures from the 100 %
 * client-call rollups (edge-figures.ts), compared with the same range a day or a week earlier. Reads are
 * per minute of the rollups and per hour of the structure, with the structure also read a day before the
 * range, so an address whose calls in the range were all sampled away still maps to its service.
 */
import type {
  ComparisonPeriod,
  HealthThresholds,
  ServiceMap,
  ServiceMapNode,
  TopologyEdge,
  TopologyNeighbour,
  TopologyNeighbours,
} from '@apo/shared/console';
import { readTogether } from '../../storage/index.ts';
import type { Storage } from '../../storage/index.ts';
import { coveredMinutes, shifted } from '../overview/overview-plan.ts';
import { servicesOverview } from '../overview/services-overview.ts';
import { EdgeAssembly, finishEdge, serviceNode } from './edge-figures.ts';
import type { EdgeDraft } from './edge-figures.ts';
import { callFigures, callFiguresPart, structure, structurePart } from './topology-queries.ts';

const STRUCTURE_LOOKBACK_S = 86_400;
/** Neighbours per side at most (busiest first). */
const MAX_NEIGHBOURS = 200;
/** The map's bounds: nodes and edges beyond them are left out (busiest kept) and `truncated` says so. */
const MAX_MAP_NODES = 2_000;
const MAX_MAP_EDGES = 10_000;

export interface GraphInput {
  from: number;
  to: number;
  cluster?: string | undefined;
  compareWith: ComparisonPeriod;
  thresholds: HealthThresholds;
}

function plan(input: GraphInput) {
  const range = coveredMinutes(input.from, input.to);
  const ranges = [range, shifted(range, input.compareWith)];
  const structureRange = {
    lookbackFromS: range.fromS - STRUCTURE_LOOKBACK_S,
    fromS: range.fromS,
    toS: range.toS,
  };
  return { range, ranges, structureRange, seconds: range.toS - range.fromS };
}

const busiest = (a: TopologyEdge, b: TopologyEdge) => b.now.rate - a.now.rate || a.id.localeCompare(b.id);

export async function neighbours(
  storage: Storage,
  input: GraphInput & { service: string; endpoint?: string | undefined },
): Promise<TopologyNeighbours> {
  const p = plan(input);
  const { service, endpoint, cluster } = input;
  const [down, up] = await Promise.all([
    structure(storage, p.structureRange, { cluster, callers: [service], callerEndpoint: endpoint }),
    structure(storage, p.structureRange, { cluster, callees: [service], calleeEndpoint: endpoint }),
  ]);
  const callers = [...new Set([service, ...up.map((r) => r.caller_service)])];
  const calls = await callFigures(storage, p.ranges, { services: callers });
  const assembly = new EdgeAssembly([...down, ...up], p.ranges.length);
  for (const row of calls) {
    if (cluster !== undefined && row.cluster !== cluster && row.service === service) continue;
    assembly.addCalls(row);
  }
  const isCenter = (n: { kind: string; name: string; cluster: string }) =>
    n.kind === 'service' && n.name === service && (cluster === undefined || n.cluster === cluster);
  // Narrowed to an endpoint, only edges its spans showed are its neighbours (the rollups are per service).
  const narrowed = (d: EdgeDraft, side: 'up' | 'down') =>
    endpoint === undefined ||
    (side === 'down' ? d.callerEndpoints.has(endpoint) : d.calleeEndpoints.has(endpoint));
  const upstream: TopologyNeighbour[] = [];
  const downstream: TopologyNeighbour[] = [];
  let namespace: string | null = null;
  for (const d of assembly.drafts.values()) {
    if (isCenter(d.from) && isCenter(d.to)) continue;
    if (isCenter(d.from) && narrowed(d, 'down')) {
      namespace ??= d.from.namespace;
      downstream.push({
        node: d.to,
        edge: finishEdge(d, p.seconds, input.thresholds),
        endpoints: [...d.calleeEndpoints].sort(),
      });
    } else if (isCenter(d.to) && narrowed(d, 'up')) {
      namespace ??= d.to.namespace;
      upstream.push({
        node: d.from,
        edge: finishEdge(d, p.seconds, input.thresholds),
        endpoints: [...d.callerEndpoints].sort(),
      });
    }
  }
  const byRate = (a: TopologyNeighbour, b: TopologyNeighbour) => busiest(a.edge, b.edge);
  upstream.sort(byRate);
  downstream.sort(byRate);
  const centerCluster =
    cluster ?? down[0]?.caller_cluster ?? calls.find((c) => c.service === service)?.cluster ?? '';
  return {
    fromMs: p.range.fromS * 1000,
    toMs: p.range.toS * 1000,
    compareWith: input.compareWith,
    center: serviceNode(centerCluster, service, namespace),
    endpoint: endpoint ?? null,
    upstream: upstream.slice(0, MAX_NEIGHBOURS),
    downstream: downstream.slice(0, MAX_NEIGHBOURS),
    truncated: upstream.length > MAX_NEIGHBOURS || downstream.length > MAX_NEIGHBOURS,
  };
}

export async function serviceMap(storage: Storage, input: GraphInput): Promise<ServiceMap> {
  const p = plan(input);
  // The edges' structure and figures and the overview's reads (node health) in one statement: chDB runs
  // statements one at a time, each with a fixed cost. The overview registers its reads when called.
  const statement = readTogether(storage);
  const overviewAnswer = servicesOverview(
    storage,
    {
      from: input.from,
      to: input.to,
      cluster: input.cluster,
      compareWith: input.compareWith,
      thresholds: input.thresholds,
    },
    { statement },
  );
  const [rows, calls, , overview] = await Promise.all([
    statement.read(structurePart(storage, p.structureRange, { cluster: input.cluster })),
    statement.read(callFiguresPart(storage, p.ranges, { cluster: input.cluster })),
    statement.run(),
    overviewAnswer,
  ]);
  const assembly = new EdgeAssembly(rows, p.ranges.length);
  for (const row of calls) assembly.addCalls(row);
  const edges = [...assembly.drafts.values()]
    .filter((d) => d.from.id !== d.to.id)
    .map((d) => ({ draft: d, edge: finishEdge(d, p.seconds, input.thresholds) }));
  edges.sort((a, b) => busiest(a.edge, b.edge));

  const nodes = new Map<string, ServiceMapNode>();
  for (const s of overview.services) {
    for (const c of s.clusters.length > 0 ? s.clusters : [input.cluster ?? '']) {
      const node = serviceNode(c, s.service, s.namespace);
      nodes.set(node.id, {
        ...node,
        health: s.active ? s.health.level : 'unknown',
        rate: (s.throughput.value ?? 0) / Math.max(1, s.clusters.length),
      });
    }
  }
  const rank: Record<string, number> = { unknown: 0, ok: 1, warning: 2, critical: 3 };
  const kept = edges.slice(0, MAX_MAP_EDGES);
  for (const { draft, edge } of kept) {
    for (const end of [draft.from, draft.to]) {
      if (nodes.has(end.id)) continue;
      nodes.set(end.id, { ...end, health: 'unknown', rate: 0 });
    }
    const callee = nodes.get(edge.to);
    if (callee !== undefined && callee.kind !== 'service') {
      callee.rate += edge.now.rate;
      if ((rank[edge.health] ?? 0) > (rank[callee.health] ?? 0)) callee.health = edge.health;
    }
  }
  const nodeList = [...nodes.values()].sort((a, b) => b.rate - a.rate || a.id.localeCompare(b.id));
  const keptNodes = nodeList.slice(0, MAX_MAP_NODES);
  const ids = new Set(keptNodes.map((n) => n.id));
  const keptEdges = kept.map((e) => e.edge).filter((e) => ids.has(e.from) && ids.has(e.to));
  return {
    fromMs: p.range.fromS * 1000,
    toMs: p.range.toS * 1000,
    compareWith: input.compareWith,
    nodes: keptNodes,
    edges: keptEdges,
    truncated: edges.length > MAX_MAP_EDGES || nodeList.length > MAX_MAP_NODES,
  };
}
