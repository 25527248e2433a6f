/**
 * What the map draws from `topology.map`'s answer and the URL filters: namespace and text keep the
 * matching nodes and their direct neighbours (a database is shown with the services that use it), focus
 * keeps one node and its neighbours. Pure, so the unit tests and the page agree on it.
 */
import type { ServiceMap, ServiceMapNode, TopologyEdge } from '@apo/shared/console';
import type { ServiceMapSearch } from './service-map-search.ts';

export interface MapModel {
  nodes: ServiceMapNode[];
  edges: TopologyEdge[];
  /** Nodes that matched the text filter (drawn highlighted). */
  matches: Set<string>;
}

function withNeighbours(keep: Set<string>, edges: TopologyEdge[]): Set<string> {
  const out = new Set(keep);
  for (const e of edges) {
    if (keep.has(e.from)) out.add(e.to);
    if (keep.has(e.to)) out.add(e.from);
  }
  return out;
}

export function mapModel(map: ServiceMap, search: ServiceMapSearch): MapModel {
  let ids = new Set(map.nodes.map((n) => n.id));
  const matches = new Set<string>();
  if (search.namespace !== undefined) {
    const inNamespace = new Set(
      map.nodes.filter((n) => n.kind === 'service' && n.namespace === search.namespace).map((n) => n.id),
    );
    // Non-service nodes have no namespace: keep those the namespace's services call.
    const reached = withNeighbours(inNamespace, map.edges);
    ids = new Set([...reached].filter((id) => inNamespace.has(id) || !id.startsWith('service:')));
  }
  if (search.q !== undefined) {
    const q = search.q.toLowerCase();
    for (const n of map.nodes) if (ids.has(n.id) && n.name.toLowerCase().includes(q)) matches.add(n.id);
    ids = new Set([...withNeighbours(matches, map.edges)].filter((id) => ids.has(id)));
  }
  if (search.focus !== undefined && map.nodes.some((n) => n.id === search.focus)) {
    ids = withNeighbours(new Set([search.focus]), map.edges);
  }
  return {
    nodes: map.nodes.filter((n) => ids.has(n.id)),
    edges: map.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
    matches,
  };
}
