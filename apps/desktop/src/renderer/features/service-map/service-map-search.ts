/** The service map's own URL state: filters and the focused node. */
export interface ServiceMapSearch {
  cluster?: string | undefined;
  namespace?: string | undefined;
  q?: string | undefined;
  /** A node id (`service:<cluster>/<name>`, …): only it and its direct neighbours are drawn. */
  focus?: string | undefined;
}

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().slice(0, max);
  return trimmed === '' ? undefined : trimmed;
}

export function validateServiceMapSearch(raw: Record<string, unknown>): ServiceMapSearch {
  const out: ServiceMapSearch = {};
  const cluster = text(raw.cluster, 64);
  const namespace = text(raw.namespace, 253);
  const q = text(raw.q, 200);
  const focus = text(raw.focus, 1024);
  if (cluster !== undefined) out.cluster = cluster;
  if (namespace !== undefined) out.namespace = namespace;
  if (q !== undefined) out.q = q;
  if (focus !== undefined) out.focus = focus;
  return out;
}
