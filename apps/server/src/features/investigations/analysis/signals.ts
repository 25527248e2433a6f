/**
 * What the analyses read: per service, minute-aligned series from the RED rollups, client calls, process
 * and runtime metrics, logs and change events. The engine fills it from storage (investigation-queries.ts);
 * tests generate it. Every series has one entry per minute of the investigation, from `startMs`.
 */
/** One value per minute, null where nothing was measured (filled in place while rows are read). */
type Series = (number | null)[];

export interface CallSignals {
  /** `db`, `http`, `rpc`, `messaging` (docs/red-metrics.md). */
  callType: string;
  /** The peer as the client saw it (`host:port`, a database address or system). */
  peer: string;
  /** The service behind the peer, when known (topology); null for databases and unknown peers. */
  peerService: string | null;
  /** A readable name: the peer service, or `system namespace` for a database. */
  label: string;
  requests: Series;
  errors: Series;
  /** Summed call time per minute (ms). */
  durationMs: Series;
}

/** Per minute, the metrics of one instance (rates per minute for counters, averages for levels). */
export interface InstanceSignals {
  instance: string;
  requests: Series;
  /** CPU seconds used per minute (all modes). */
  cpuSeconds: Series;
  /** Seconds runnable but waiting for a CPU, per minute. */
  runQueueSeconds: Series;
  /** Seconds waiting on block I/O, per minute. */
  blkioSeconds: Series;
  /** Bytes written / read to disk per minute. */
  diskWriteBytes: Series;
  diskReadBytes: Series;
  /** Resident memory (bytes), average of the minute. */
  rssBytes: Series;
  /** Seconds in garbage collection per minute. */
  gcSeconds: Series;
  /** Event-loop delay p99 (ms), average of the minute. */
  eventLoopP99Ms: Series;
  /** Seconds waited for a database connection per minute, and waiting requests (average). */
  poolWaitSeconds: Series;
  poolPending: Series;
}

export interface LogLine {
  ts: number;
  service: string;
  instance: string;
  severity: string;
  body: string;
  traceId: string;
}

export interface LogPattern {
  /** The message with numbers and hex ids masked. */
  pattern: string;
  /** Records per minute. */
  counts: Series;
  sample: LogLine;
}

export interface ChangeEvent {
  ts: number;
  /** `process.restart`, `service.version.change`, a Kubernetes event reason … */
  name: string;
  instance: string;
  detail: string;
  /** For a version change: the version announced after it and the one before (when the agent knew it). */
  version?: string | undefined;
  previousVersion?: string | undefined;
}

export interface ServiceSignals {
  service: string;
  requests: Series;
  errors: Series;
  /** Summed server time (ms) per minute. */
  serverMs: Series;
  /** Summed synchronous client-call time (ms) per minute. */
  clientMs: Series;
  p50Ms: Series;
  p99Ms: Series;
  calls: CallSignals[];
  instances: InstanceSignals[];
  /** Error-level log records per minute. */
  logErrors: Series;
  logPatterns: LogPattern[];
  events: ChangeEvent[];
}

export interface InvestigationSignals {
  startMs: number;
  minutes: number;
  /** Minutes before this index are the lookback added in front of the asked range. */
  rangeStartIndex: number;
  symptom: { service: string; endpoint?: string | undefined } | null;
  services: ServiceSignals[];
  /** Caller → callee, between services. */
  edges: { from: string; to: string }[];
}
