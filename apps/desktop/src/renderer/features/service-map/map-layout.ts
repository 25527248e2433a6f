/**
 * Positions for the service map, computed in a worker (map-layout.worker.ts). Two engines, chosen by size:
 *
 * - up to ELK_MAX_NODES nodes (a focused neighbourhood, a filtered namespace): ELK's layered algorithm
 *   (elkjs), callers left of callees, edges routed around nodes;
 * - beyond it, `tierLayout` below: the same layered idea — layers by longest call path, order within a layer
 *   by barycentre sweeps — without ELK's crossing minimisation and edge routing, which took 3.4–35 s for
 *   500 services and 3,000 edges here (bench/README.md, "Console II — topology"), against a budget of 1 s for
 *   layout and first paint. Edges are then drawn as curves between the layers.
 */
export interface LayoutInput {
  nodes: { id: string; width: number; height: number }[];
  edges: { id: string; from: string; to: string }[];
}

export interface LayoutResult {
  engine: 'elk' | 'tiers';
  /** Top-left corner and size per node id. */
  nodes: Record<string, { x: number; y: number; w: number; h: number }>;
  /** Routed points per edge id (ELK); absent: draw a curve between the ends. */
  routes: Record<string, [number, number][]>;
  width: number;
  height: number;
  ms: number;
}

export const ELK_MAX_NODES = 120;
const LAYER_GAP = 90;
const NODE_GAP = 10;
const SWEEPS = 6;

/** Longest-path layers (a cycle's back edges are ignored), barycentre ordering, centred columns. */
export function tierLayout(input: LayoutInput): LayoutResult {
  const t0 = performance.now();
  const index = new Map(input.nodes.map((n, i) => [n.id, i]));
  const n = input.nodes.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  const inn: number[][] = Array.from({ length: n }, () => []);
  for (const e of input.edges) {
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    out[a]?.push(b);
    inn[b]?.push(a);
  }
  // Depth-first order, marking edges that close a cycle, then layers along the remaining DAG.
  const state = new Uint8Array(n);
  const order: number[] = [];
  const back = new Set<string>();
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const [v, i] = top;
      const next = out[v]?.[i];
      if (next === undefined) {
        state[v] = 2;
        order.push(v);
        stack.pop();
        continue;
      }
      top[1] = i + 1;
      if (state[next] === 1) back.add(`${v}>${next}`);
      else if (state[next] === 0) {
        state[next] = 1;
        stack.push([next, 0]);
      }
    }
  }
  const layer = new Int32Array(n);
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k] ?? 0;
    for (const w of out[v] ?? [])
      if (!back.has(`${v}>${w}`)) layer[w] = Math.max(layer[w] ?? 0, (layer[v] ?? 0) + 1);
  }
  const layers: number[][] = [];
  for (let v = 0; v < n; v++) (layers[layer[v] ?? 0] ??= []).push(v);
  const pos = new Float64Array(n);
  const place = () =>
    layers.forEach((l) => {
      l.forEach((v, i) => (pos[v] = i));
    });
  place();
  const barycentre = (v: number, from: number[][]) => {
    const ns = from[v] ?? [];
    if (ns.length === 0) return pos[v] ?? 0;
    let sum = 0;
    for (const w of ns) sum += pos[w] ?? 0;
    return sum / ns.length;
  };
  for (let s = 0; s < SWEEPS; s++) {
    const down = s % 2 === 0;
    const sequence = down ? layers : [...layers].reverse();
    for (const l of sequence) {
      const key = new Map(l.map((v) => [v, barycentre(v, down ? inn : out)]));
      l.sort((a, b) => (key.get(a) ?? 0) - (key.get(b) ?? 0));
      l.forEach((v, i) => (pos[v] = i));
    }
  }
  const nodes: LayoutResult['nodes'] = {};
  let x = 0;
  let height = 0;
  const columns = layers.map((l) => {
    const w = Math.max(0, ...l.map((v) => input.nodes[v]?.width ?? 0));
    const h = l.reduce((sum, v) => sum + (input.nodes[v]?.height ?? 0) + NODE_GAP, -NODE_GAP);
    height = Math.max(height, h);
    const column = { x, w, h, l };
    x += w + LAYER_GAP;
    return column;
  });
  for (const c of columns) {
    let y = (height - c.h) / 2;
    for (const v of c.l) {
      const node = input.nodes[v];
      if (node === undefined) continue;
      nodes[node.id] = { x: c.x, y, w: node.width, h: node.height };
      y += node.height + NODE_GAP;
    }
  }
  return {
    engine: 'tiers',
    nodes,
    routes: {},
    width: Math.max(0, x - LAYER_GAP),
    height,
    ms: performance.now() - t0,
  };
}
