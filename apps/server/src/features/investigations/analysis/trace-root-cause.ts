/**
 * The root cause inside one trace (PRODUCT.md §2.5). Spans are folded into a service-level tree (a
 * service's consecutive spans form one node); a node's self time is its total minus its children's
 * (children that overlap in time count once). The root-cause node is the one whose self time exceeds its
 * expectation (a P90 baseline per service) the most among nodes holding ≥ 20 % of the request. For an error
 * trace the deepest failing span whose children did not fail is the cause, and the failing spans from it
 * up to the entry form the error-propagation chain.
 */
import type { TraceRootCause } from '@apo/shared/console';

export interface TraceSpan {
  spanId: string;
  parentSpanId: string;
  service: string;
  name: string;
  startMs: number;
  durationMs: number;
  error: boolean;
  /** The status message or exception type, for the chain. */
  errorText: string;
}

interface Node {
  service: string;
  spans: TraceSpan[];
  totalMs: number;
  children: Node[];
}

/** Union length of intervals (ms): overlapping children wait in parallel. */
function coveredMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

function buildTree(spans: readonly TraceSpan[]): Node[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const kids = new Map<string, TraceSpan[]>();
  const roots: TraceSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId !== '' && byId.has(s.parentSpanId)) {
      const list = kids.get(s.parentSpanId) ?? [];
      list.push(s);
      kids.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const nodeOf = (top: TraceSpan): Node => {
    const node: Node = { service: top.service, spans: [], totalMs: top.durationMs, children: [] };
    const stack = [top];
    while (stack.length > 0) {
      const s = stack.pop();
      if (s === undefined) break;
      node.spans.push(s);
      for (const c of kids.get(s.spanId) ?? []) {
        if (c.service === s.service) stack.push(c);
        else node.children.push(nodeOf(c));
      }
    }
    return node;
  };
  return roots.sort((a, b) => a.startMs - b.startMs).map(nodeOf);
}

function selfMs(node: Node): number {
  const top = node.spans[0];
  if (top === undefined) return 0;
  const waits = node.children.map((c): [number, number] => {
    const first = c.spans[0];
    const s = Math.max(top.startMs, first?.startMs ?? top.startMs);
    return [s, Math.min(top.startMs + top.durationMs, s + c.totalMs)];
  });
  return Math.max(0, node.totalMs - coveredMs(waits));
}

function walk(nodes: Node[], visit: (n: Node) => void): void {
  for (const n of nodes) {
    visit(n);
    walk(n.children, visit);
  }
}

/** The deepest failing span whose same-trace children did not fail, and the failing spans above it. */
export function errorChain(spans: readonly TraceSpan[]): TraceRootCause['errorChain'] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const failingChild = new Set<string>();
  for (const s of spans) if (s.error && s.parentSpanId !== '') failingChild.add(s.parentSpanId);
  const depth = (s: TraceSpan): number => {
    let d = 0;
    for (let p = byId.get(s.parentSpanId); p !== undefined && d < 10_000; p = byId.get(p.parentSpanId)) d++;
    return d;
  };
  const leaves = spans.filter((s) => s.error && !failingChild.has(s.spanId));
  // Deepest first; among equals the earliest (its exception came first), then by id for determinism.
  leaves.sort((a, b) => depth(b) - depth(a) || a.startMs - b.startMs || a.spanId.localeCompare(b.spanId));
  const leaf = leaves[0];
  if (leaf === undefined) return [];
  const chain: TraceRootCause['errorChain'] = [];
  for (let s: TraceSpan | undefined = leaf; s !== undefined; s = byId.get(s.parentSpanId)) {
    if (s.error) chain.push({ service: s.service, spanId: s.spanId, name: s.name, error: s.errorText });
    if (chain.length > 64) break;
  }
  return chain;
}

/**
 * `expectedMs`: per service, its normal self time (e.g. the P90 of its self time before the onset); a
 * service without one is expected to take nothing, so an unknown service can still be the cause.
 */
export function traceRootCause(
  traceId: string,
  spans: readonly TraceSpan[],
  expectedMs: ReadonlyMap<string, number>,
): Omit<TraceRootCause, 'startMs' | 'entryService'> {
  const roots = buildTree(spans);
  const requestMs = roots.reduce((m, r) => Math.max(m, r.totalMs), 0);
  const perService = new Map<string, { selfMs: number; totalMs: number; node: Node }>();
  walk(roots, (n) => {
    const got = perService.get(n.service);
    const self = selfMs(n);
    if (got === undefined) perService.set(n.service, { selfMs: self, totalMs: n.totalMs, node: n });
    else {
      got.selfMs += self;
      got.totalMs += n.totalMs;
    }
  });
  const services = [...perService.entries()]
    .map(([service, v]) => ({
      service,
      selfMs: v.selfMs,
      expectedMs: expectedMs.get(service) ?? null,
      totalMs: v.totalMs,
    }))
    .sort((a, b) => b.selfMs - a.selfMs || a.service.localeCompare(b.service));
  const chain = errorChain(spans);
  const leaf = chain[0];
  if (leaf !== undefined) {
    return {
      traceId,
      rootCause: { service: leaf.service, spanId: leaf.spanId, name: leaf.name, reason: 'error' },
      errorChain: chain,
      services,
    };
  }
  let best: { service: string; excess: number } | null = null;
  for (const s of services) {
    if (requestMs > 0 && s.totalMs < 0.2 * requestMs) continue;
    const excess = s.selfMs - (s.expectedMs ?? 0);
    if (excess > 0 && (best === null || excess > best.excess)) best = { service: s.service, excess };
  }
  const node = best === null ? undefined : perService.get(best.service)?.node.spans[0];
  return {
    traceId,
    rootCause:
      node === undefined
        ? null
        : { service: node.service, spanId: node.spanId, name: node.name, reason: 'self-time' },
    errorChain: [],
    services,
  };
}
