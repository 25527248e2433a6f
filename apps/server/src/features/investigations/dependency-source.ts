/**
 * Which services call which, and which service answers a caller's peer. For now from the spans of the
 * range (a client span and its server child, read by spanEdges) and the client-call rollups' peer names;
 * the topology table can replace this behind the same interface.
 */
import type { Storage } from '../../storage/index.ts';
import { spanEdges, type Scope } from './investigation-queries.ts';

export interface ServiceDependencies {
  /** Caller → callee, between services. */
  edges: { from: string; to: string }[];
  /** The service behind `peer` as `service` calls it, or null (a database, an external host, unknown). */
  peerService(service: string, peer: string): string | null;
}

export interface DependencySource {
  read(storage: Storage, scope: Scope, services: readonly string[]): Promise<ServiceDependencies>;
}

/** `host:port` → host; a peer named like a known service (peer.service, a Kubernetes DNS name) is that service. */
function byName(peer: string, services: ReadonlySet<string>): string | null {
  if (services.has(peer)) return peer;
  const host = peer.replace(/:\d+$/, '').split('.')[0] ?? '';
  return services.has(host) ? host : null;
}

export const spanDependencies: DependencySource = {
  async read(storage, scope, services) {
    const rows = await spanEdges(storage, scope);
    const known = new Set(services);
    const byPeer = new Map<string, { callee: string; calls: number }>();
    const edges = new Map<string, { from: string; to: string }>();
    for (const r of rows) {
      edges.set(`${r.caller}\u0000${r.callee}`, { from: r.caller, to: r.callee });
      // A peer answered by several services (a proxy) keeps the one that answered most.
      const key = `${r.caller}\u0000${r.caller_peer}`;
      const got = byPeer.get(key);
      if (got === undefined || r.calls > got.calls) byPeer.set(key, { callee: r.callee, calls: r.calls });
    }
    return {
      edges: [...edges.values()].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
      peerService: (service, peer) => byPeer.get(`${service}\u0000${peer}`)?.callee ?? byName(peer, known),
    };
  },
};
