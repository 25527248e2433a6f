/**
 * The service detail page ("is it the service itself or something it calls, and which instance?"): the
 * shapes the server's `services.*` detail procedures return and the console draws, and APO's delay-source
 * rule (PRODUCT.md §2.3), which both sides apply.
 */

/** APO: a dependency share above one half makes the endpoint's delay source "dependency". */
export const DEPENDENCY_SHARE_THRESHOLD = 0.5;

export type DelayVerdict = 'self' | 'dependency';

export function delayVerdict(dependencyShare: number): DelayVerdict {
  return dependencyShare > DEPENDENCY_SHARE_THRESHOLD ? 'dependency' : 'self';
}

/**
 * One endpoint's delay source. The share comes from the stored traces' spans (the client-call rollups do
 * not carry the calling endpoint): per stored request, the time covered by its own client calls (their
 * union, so parallel calls count once) ÷ its duration, averaged per latency bucket and weighted by the
 * 100 % rollups' requests in each bucket, so the tail sampler's preference for slow traces does not skew it.
 */
export interface EndpointDelaySource {
  endpoint: string;
  /** 0…1; null when no stored trace of the endpoint is in the range. */
  dependencyShare: number | null;
  verdict: DelayVerdict | null;
  /** Mean per request, ms: the endpoint's mean latency (100 % rollups) split by the share. */
  selfMs: number | null;
  dependencyMs: number | null;
  /**
   * Stored requests the share was computed from: those of the minutes the server's topology job has
   * split (all of them), plus at most `sampleLimit` (over the whole service) of the minutes it has not yet.
   */
  sampledRequests: number;
  /** Requests in the range from the 100 % rollups. */
  requests: number;
}

export interface ServiceDelaySource {
  endpoints: EndpointDelaySource[];
  /**
   * Service-wide, from the 100 % rollups only: Σ client-call time ÷ Σ request time. An upper bound of the
   * dependency share (parallel calls and calls made outside requests count in full); null without requests.
   */
  rollupCallTimeShare: number | null;
  /** How many of the most recent stored requests of minutes the job has not split yet were read at most. */
  sampleLimit: number;
}

/** One instance (process) of the service, from the agent's process metrics, events and logs. */
export interface ServiceInstance {
  instance: string;
  pid: number | null;
  container: string | null;
  pod: string | null;
  host: string | null;
  version: string | null;
  /** Process start, ms since the epoch. */
  startMs: number | null;
  /** CPU cores in use on average (1 = one core busy). */
  cpuCores: number | null;
  /** Run-queue wait: ms per second its threads were runnable but waited for a CPU. */
  runQueueMsPerS: number | null;
  /** Node.js event-loop delay p99, ms (max over the range), where the runtime reports it. */
  eventLoopDelayP99Ms: number | null;
  /** GC pause time, ms per second, where the runtime reports it. */
  gcMsPerS: number | null;
  /** Last values in the range. */
  rssBytes: number | null;
  openFds: number | null;
  restarts: number;
  errorLogs: number;
  /** Last metric point seen, ms since the epoch. */
  lastSeenMs: number | null;
}

/** A page of a service's instances, by name. */
export interface ServiceInstances {
  instances: ServiceInstance[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Figures of a database or external call key over a period. */
export interface CallFigures {
  /** Calls per second. */
  rate: number;
  calls: number;
  errors: number;
  /** ms; null without calls. */
  avgMs: number | null;
  p95Ms: number | null;
}

/** A database / external / queue call key of the service, from the 100 % client-call rollups. */
export interface ServiceCall {
  /** db | http | rpc | messaging | other */
  callType: string;
  system: string;
  dbNamespace: string;
  operation: string;
  /** Table, route or destination. */
  target: string;
  /** Peer host (or address). */
  peer: string;
  role: string;
  now: CallFigures;
  /** The same key in the comparison period; null when it was not called then. */
  before: CallFigures | null;
}

export interface ServiceCalls {
  compareWith: 'day' | 'week';
  /** Busiest first, a page at a time. */
  calls: ServiceCall[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Error spans of the service grouped by exception type and message (stored spans: every error trace is kept). */
export interface ErrorGroup {
  exceptionType: string;
  /** Exception message, else the span's status message; cut to 300 characters. */
  message: string;
  count: number;
  lastSeenMs: number;
  /** The most recent span of the group, to open its trace. */
  traceId: string;
  spanId: string;
  endpoint: string;
  /** Up to 5 instances it happened on. */
  instances: string[];
}

export interface InstanceLogErrors {
  instance: string;
  /** Error-level (severity ≥ ERROR) log records in the range. */
  count: number;
}

export interface ServiceErrors {
  /** Most errors first (then latest), a page at a time. */
  groups: ErrorGroup[];
  /** Pass back as `cursor` for the next page of groups; null on the last page. */
  nextCursor: string | null;
  /** Per instance, on the first page only (empty on later pages). */
  logErrors: InstanceLogErrors[];
}

/** A host the service runs on, from node_exporter-named metrics; null where not reported. */
export interface ServiceHost {
  host: string;
  /** 0…1 */
  cpuBusy: number | null;
  cores: number | null;
  load1PerCore: number | null;
  memoryUsed: number | null;
  memoryTotalBytes: number | null;
  /** Fullest filesystem, 0…1, and its mount point. */
  diskUsed: number | null;
  diskMount: string | null;
  /** Busiest disk's I/O time share, 0…1. */
  diskIoBusy: number | null;
  networkRxBytesPerS: number | null;
  networkTxBytesPerS: number | null;
  /** Retransmitted ÷ sent TCP segments, 0…1. */
  tcpRetransmitRatio: number | null;
  /** TCP resets sent per second (OutRsts + EstabResets). */
  tcpResetsPerS: number | null;
  tcpEstablished: number | null;
}

export type LightLevel = 'ok' | 'warning' | 'critical' | 'unknown';
export type LightDimension = 'infrastructure' | 'network' | 'kubernetes';

export interface StatusLight {
  dimension: LightDimension;
  level: LightLevel;
  /** Why, one line each; for `ok`, what was checked. */
  reasons: string[];
}

export interface ServiceInfrastructure {
  hosts: ServiceHost[];
  lights: StatusLight[];
}
