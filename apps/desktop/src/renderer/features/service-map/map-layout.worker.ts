/**
 * The service map's layout, off the main thread: ELK layered for small graphs, the tier layout beyond
 * (map-layout.ts says why). One message in (`{ id, graph }`), one out (`{ id, result }`).
 */
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { ELK_MAX_NODES, tierLayout } from './map-layout.ts';
import type { LayoutInput, LayoutResult } from './map-layout.ts';

/** ELK (~1.5 MB of script) is loaded on the first small graph only: the whole map never waits for it. */
let elk: Promise<{ layout: (graph: ElkNode) => Promise<ElkNode> }> | undefined;
const loadElk = () => (elk ??= import('elkjs/lib/elk.bundled.js').then((m) => new m.default()));

async function elkLayout(input: LayoutInput): Promise<LayoutResult> {
  const t0 = performance.now();
  const ids = new Set(input.nodes.map((n) => n.id));
  const edges: ElkExtendedEdge[] = input.edges
    .filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to)
    .map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] }));
  const graph: ElkNode = await (
    await loadElk()
  ).layout({
    id: 'map',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'SPLINES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '14',
    },
    children: input.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges,
  });
  const nodes: LayoutResult['nodes'] = {};
  for (const c of graph.children ?? [])
    nodes[c.id] = { x: c.x ?? 0, y: c.y ?? 0, w: c.width ?? 0, h: c.height ?? 0 };
  const routes: LayoutResult['routes'] = {};
  for (const e of graph.edges ?? []) {
    const points: [number, number][] = [];
    for (const s of e.sections ?? []) {
      points.push([s.startPoint.x, s.startPoint.y]);
      for (const b of s.bendPoints ?? []) points.push([b.x, b.y]);
      points.push([s.endPoint.x, s.endPoint.y]);
    }
    if (points.length > 0) routes[e.id] = points;
  }
  return {
    engine: 'elk',
    nodes,
    routes,
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    ms: performance.now() - t0,
  };
}

addEventListener('message', (event: MessageEvent<{ id: number; graph: LayoutInput }>) => {
  const { id, graph } = event.data;
  const run = graph.nodes.length <= ELK_MAX_NODES ? elkLayout(graph) : Promise.resolve(tierLayout(graph));
  void run.then(
    (result) => postMessage({ id, result }),
    (err: unknown) => postMessage({ id, error: err instanceof Error ? err.message : String(err) }),
  );
});
