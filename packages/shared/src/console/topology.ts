/**
 * The dependency topology: what `topology.neighbours` (one service's upstream and downstream, depth 1) and
 * `topology.map` (the whole system) return and the console draws. Structure (which edges exist) comes from
 * the server's topology job over stored spans; every rate, error rate and latency comes from the 100 %
 * client-call rollups, so a sampled-away edge still has its true figures.
 */
import type { ComparisonPeriod, HealthLevel } from './overview.ts';

export type TopologyNodeKind = 'service' | 'database' | 'external' | 'queue';

export interface TopologyNode {
  /** Stable id: `<kind>:<cluster>/<system>/<name>` (see topologyNodeId). */
  id: string;
  kind: TopologyNodeKind;
  /** A service, a database (its namespace, else its address), an external host, a queue's destination. */
  name: string;
  /** The service's cluster; for other nodes the cluster of the callers that reach them. */
  cluster: string;
  /** Kubernetes namespace of a service; null when unknown and for other nodes. */
  namespace: string | null;
  /** `postgresql`, `sqlite`, `kafka`, `http`…; '' for services. */
  system: string;
}

/** An edge's figures over one range, from the rollups. */
export interface EdgeFigures {
  /** Calls per second. */
  rate: number;
  calls: number;
  errors: number;
  /** errors ÷ calls; null without calls. */
  errorRate: number | null;
  /** Milliseconds; null without calls. */
  latencyAvg: number | null;
  latencyP95: number | null;
}

export interface TopologyEdge {
  /** `<from id>→<to id>`. */
  id: string;
  /** Caller → callee; for a queue's consumers, queue → consuming service (the data flows that way). */
  from: string;
  to: string;
  now: EdgeFigures;
  /** The same range one day or one week earlier (the answer's `compareWith`); null without calls then. */
  before: EdgeFigures | null;
  /** Percent change vs `before`; null where either side has no data. */
  change: { rate: number | null; errorRate: number | null; latencyP95: number | null };
  /** APO's health rule on the latency and error-rate changes (overview thresholds). */
  health: HealthLevel;
  /**
   * The rollups count calls per address, and this address reaches more than one service (a load balancer, a
   * shared ingress): every edge behind it shows the address's figures.
   */
  sharedAddress: boolean;
  /** Seen only in the rollups over the range, not in stored spans (its structure is older or unknown). */
  structureKnown: boolean;
}

export interface TopologyNeighbour {
  node: TopologyNode;
  edge: TopologyEdge;
  /** Endpoints on the far side of the edge seen in stored spans (callee endpoints downstream, caller's upstream). */
  endpoints: string[];
}

export interface TopologyNeighbours {
  fromMs: number;
  toMs: number;
  compareWith: ComparisonPeriod;
  center: TopologyNode;
  /** Narrowed to one of the service's endpoints: structure per endpoint, figures still per service edge. */
  endpoint: string | null;
  upstream: TopologyNeighbour[];
  downstream: TopologyNeighbour[];
  /** More neighbours than the answer holds (busiest kept). */
  truncated: boolean;
}

export interface ServiceMapNode extends TopologyNode {
  /** Services: the overview's health for the range; other nodes: the worst of their incoming edges. */
  health: HealthLevel | 'unknown';
  /** Requests per second served (services) or calls per second received (other nodes). */
  rate: number;
}

export interface ServiceMap {
  fromMs: number;
  toMs: number;
  compareWith: ComparisonPeriod;
  nodes: ServiceMapNode[];
  edges: TopologyEdge[];
  /** Nodes or edges were left out beyond the bounds (the busiest are kept). */
  truncated: boolean;
}

/** The id of a node: services by cluster and name; other nodes also by system. */
export function topologyNodeId(kind: TopologyNodeKind, cluster: string, name: string, system = ''): string {
  return kind === 'service' ? `service:${cluster}/${name}` : `${kind}:${cluster}/${system}/${name}`;
}
