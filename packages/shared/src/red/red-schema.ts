/**
 * The contract of APO's RED metrics (rate, errors, duration): metric names, attribute keys, bucket bounds
 * and the label values the aggregator writes. The agent, the server and docs/red-metrics.md all follow
 * this file; changing a value here changes stored data, so treat it as a wire format.
 */

/**
 * Upper bounds of the latency buckets in milliseconds (OTLP explicit-bounds semantics: a duration `d`
 * lands in the first bucket whose bound `b` satisfies `d ≤ b`; above the last bound is the overflow
 * bucket). 15 bounds, 16 buckets.
 */
export const RED_BUCKET_BOUNDS_MS: readonly number[] = Object.freeze([
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
]);

/**
 * The same bounds in seconds, as written into the OTLP metric (unit `s`, as OpenTelemetry's semantic
 * conventions do for durations). `ms / 1000` of an integer is the correctly rounded double of the decimal,
 * i.e. exactly what the literal `0.025` parses to, so bounds compare equal after a protobuf round trip.
 */
export const RED_BUCKET_BOUNDS_SECONDS: readonly number[] = Object.freeze(
  RED_BUCKET_BOUNDS_MS.map((ms) => ms / 1000),
);

/** Buckets per histogram: one per bound plus the overflow bucket. */
export const RED_BUCKET_COUNT = RED_BUCKET_BOUNDS_MS.length + 1;

/** Entry RED: SERVER and CONSUMER spans, and root INTERNAL spans (jobs, scripts). */
export const RED_SERVER_METRIC = 'apo.red.server.duration';
/** Client calls: CLIENT and PRODUCER spans, and CONSUMER spans as the consuming side of a destination. */
export const RED_CLIENT_METRIC = 'apo.red.client.duration';
export const RED_METRIC_UNIT = 's';
/** The instrumentation scope of the metrics the aggregator emits. */
export const RED_SCOPE_NAME = 'apo.red';
export const RED_SCOPE_VERSION = '1';

/**
 * Resource attribute the agent adds to every resource whose spans it has aggregated. Written as a boolean
 * `true`; read as boolean `true` or the string `"true"` (some pipelines stringify attribute values).
 * OpenTelemetry Collectors pass resource attributes through untouched, so the marker survives one in between.
 */
export const RED_COMPUTED_ATTRIBUTE = 'apo.red.computed';

/** Data point attribute keys. Service and instance live on the resource (`service.name`, `service.instance.id`). */
export const RedAttribute = {
  /** Entry series: HTTP method + route, span name, or messaging destination. */
  endpoint: 'apo.endpoint',
  /** Span kind in lower case: server | consumer | internal (entry); client | producer | consumer (calls). */
  spanKind: 'apo.span.kind',
  /** Boolean: the series counts failed spans only (true) or successful spans only (false). */
  error: 'apo.error',
  /** db | http | rpc | messaging | other */
  callType: 'apo.call.type',
  /** `host:port` of the called server, else its logical name (peer.service, rpc.service). */
  peer: 'apo.call.peer',
  /** db.system.name, messaging.system or rpc.system; `http` for HTTP calls. */
  system: 'apo.call.system',
  /** DB calls: db.namespace (the database name). */
  dbNamespace: 'apo.db.namespace',
  /** DB: SELECT, INSERT, …; RPC: rpc.method; HTTP: the request method; messaging: the operation type. */
  operation: 'apo.call.operation',
  /** DB: the table; messaging: the destination; RPC: rpc.service; HTTP: empty. */
  target: 'apo.call.target',
  /** Messaging calls: producer | consumer. */
  role: 'apo.messaging.role',
} as const;

export const RedCallType = {
  Db: 'db',
  Http: 'http',
  Rpc: 'rpc',
  Messaging: 'messaging',
  Other: 'other',
} as const;
export type RedCallType = (typeof RedCallType)[keyof typeof RedCallType];

/** Endpoint (and peer/target) of the series that absorbs spans beyond the series cap. */
export const RED_OTHER = '__other__';
/** Series per aggregator (entry + client calls) before new keys are folded into `__other__` series. */
export const RED_DEFAULT_MAX_SERIES = 10_000;
/** Longest key part (endpoint, peer, table, …) kept; longer values are cut, so one bad span cannot bloat a series key. */
export const RED_MAX_KEY_LENGTH = 256;
