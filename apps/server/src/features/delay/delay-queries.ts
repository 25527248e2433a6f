/**
 * The delay source's reads (delay-source.ts says what it computes and why).
 *
 * - The topology job's read (`windowDelaySums`): per one-minute window, the stored requests (entry spans)
 *   that start in it, each joined by trace id to the client / producer spans of the same service that start
 *   inside it; the time those calls cover is their union (`intervalLengthSum`, so parallel calls count once),
 *   clipped at the request's end; summed per cluster, service, endpoint and RED latency bucket. A few hundred
 *   rows per window, written to `delay_source_1m` (storage/tables/delay-source.ts).
 * - The API's reads: those sums over a range for the windows the job has computed (`computedDelaySums`,
 *   `delayCoverage`), the stored spans of the minutes it has not (`entryAndCallSpans`, split in JS as
 *   before), and the 100 % rollups the buckets are weighted with (`endpointFigures`, `callTimeTotals`).
 */
import { RED_BUCKET_BOUNDS_MS } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  float64,
  int64,
  readRows,
  readTogether,
  storageTables,
  string,
  tableColumns,
  uint64,
  uint64Number,
  uint8,
} from '../../storage/index.ts';
import type { ReadPart, RowOf } from '../../storage/index.ts';
import { minuteRange } from '../time-range.ts';

const redServer = tableColumns(storageTables.red_server_1m);
const spans = tableColumns(storageTables.spans);
const sums = tableColumns(storageTables.delay_source_1m);
const windows = tableColumns(storageTables.topology_windows);

const MINUTE_MS = 60_000;
/**
 * How long after its window a request's calls are looked for: a call starts inside its request, so only
 * requests longer than this lose the calls they make after it.
 */
const CALL_LOOKAHEAD_MS = 2 * MINUTE_MS;

export interface DelayInput {
  service: string;
  cluster?: string | undefined;
  from: number;
  to: number;
}

const rangeParams = (input: DelayInput) => ({ ...input, ...minuteRange(input.from, input.to) });
const MINUTES_SQL = `minute >= toDateTime({fromS:UInt32}, 'UTC') AND minute < toDateTime({toS:UInt32}, 'UTC')`;
const clusterSql = (input: { cluster?: string | undefined }, column = 'cluster') =>
  input.cluster === undefined ? '' : `AND ${column} = {cluster:String}`;

const endpointFiguresQuery = defineQuery('services.delayEndpoints', {
  endpoint: redServer.read('endpoint', string),
  requests: computed(uint64Number, `sum(${redServer.name('count')})`),
  sum_ms: computed(float64, `sum(${redServer.name('duration_sum_ms')})`),
  buckets: computed(array(uint64Number), `sumForEach(${redServer.name('bucket_counts')})`),
});

interface EndpointFigures {
  endpoint: string;
  /** Requests, their summed duration (ms) and their count per RED latency bucket, from 100 % of spans. */
  count: number;
  durationSumMs: number;
  bucketCounts: number[];
}

/** Each endpoint's summed 100 % figures over [from, to) with its bucket counts (at most 200, busiest first). */
const endpointFiguresPart = (storage: Storage, input: DelayInput) => ({
  query: endpointFiguresQuery,
  rest: `FROM ${storage.qualified(storage.tables.red_server_1m)}
     WHERE service = {service:String} AND ${MINUTES_SQL} ${clusterSql(input)}
     GROUP BY endpoint ORDER BY requests DESC, endpoint LIMIT 200`,
  params: rangeParams(input),
});

const callTimeQuery = defineQuery('services.callTime', {
  server_ms: computed(float64, 'sumIf(duration_sum_ms, side = 0)'),
  client_ms: computed(float64, 'sumIf(duration_sum_ms, side = 1)'),
});

/**
 * Σ request time (server rollups) and Σ outgoing call time (client rollups, producers included, consumers
 * not: a consumer span is an entry) of a service over [from, to), from 100 % of spans.
 */
const callTimePart = (storage: Storage, input: DelayInput) => ({
  query: callTimeQuery,
  rest: `FROM (
       SELECT 0 AS side, duration_sum_ms FROM ${storage.qualified(storage.tables.red_server_1m)}
       WHERE service = {service:String} AND ${MINUTES_SQL} ${clusterSql(input)}
       UNION ALL
       SELECT 1, duration_sum_ms FROM ${storage.qualified(storage.tables.red_client_1m)}
       WHERE service = {service:String} AND ${MINUTES_SQL} ${clusterSql(input)} AND role != 'consumer'
     )`,
  params: rangeParams(input),
});

/** OTLP span kinds as stored (UInt8): SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5. */
const ENTRY_KINDS_SQL = `${spans.name('kind')} IN (2, 5)`;
const CALL_KINDS_SQL = `${spans.name('kind')} IN (3, 4)`;
/**
 * An entry span's endpoint as the RED rollups name it, computed on insert (storage/tables/spans.ts
 * `ENTRY_ENDPOINT_SQL`; parts written before migration 0010 compute it when read).
 */
const ENDPOINT_SQL = spans.name('entry_endpoint');
const between = (from: string, to: string) =>
  `${spans.name('ts')} >= fromUnixTimestamp64Milli({${from}:Int64}) AND ${spans.name('ts')} < fromUnixTimestamp64Milli({${to}:Int64})`;
/** The RED bucket of a duration in ns, as `bucketOf` (delay-source.ts) computes it: upper bounds inclusive. */
const BUCKET_SQL = `toUInt8(if(arrayFirstIndex(b -> req_ns / 1e6 <= b, {bounds:Array(Float64)}) = 0,
  length({bounds:Array(Float64)}), arrayFirstIndex(b -> req_ns / 1e6 <= b, {bounds:Array(Float64)}) - 1))`;

const windowSumsQuery = defineQuery('services.delayWindow', {
  cluster: computed(string, 'cluster'),
  service: computed(string, 'service'),
  endpoint: computed(string, 'ep'),
  bucket: computed(uint8, BUCKET_SQL),
  requests: computed(uint64Number, 'count()'),
  duration_ns: computed(uint64, 'sum(req_ns)'),
  dependency_ns: computed(uint64, 'sum(dep_ns)'),
});
export type WindowDelaySums = RowOf<(typeof windowSumsQuery)['columns']>;

/**
 * The delay-source sums of the requests that start in [windowMs, windowMs + 1 min), from stored spans. One
 * read: the calls that start between the window's start and `CALL_LOOKAHEAD_MS` after its end, RIGHT JOINed
 * by trace (and cluster and service) to the window's entry spans — the entries are the hash side, so memory
 * follows one minute's requests while the calls stream past (and entries without calls stay, with none) —
 * folded per request (told apart by row number) with `intervalLengthSumIf` over the calls that start inside
 * it, then summed per endpoint and bucket. Every column it reads is in the `spans_by_time` projection
 * (storage/tables/spans.ts), sorted by time, so it reads the window's own rows: ~50 ms CPU a window at
 * 116 spans/s where the table's service-first order made it ~1.1 s (bench/README.md).
 */
export async function windowDelaySums(storage: Storage, windowMs: number): Promise<WindowDelaySums[]> {
  const table = storage.qualified(storage.tables.spans);
  const startNs = `toUnixTimestamp64Nano(${spans.name('ts')})`;
  const endNs = `${startNs} + toInt64(${spans.name('duration_ns')})`;
  return readRows(
    storage,
    windowSumsQuery,
    `FROM (
       SELECT e.cluster AS cluster, e.service AS service, any(e.endpoint) AS ep, any(e.duration_ns) AS req_ns,
              intervalLengthSumIf(c.start_ns, least(c.end_ns, e.end_ns),
                                  c.start_ns >= e.start_ns AND c.start_ns < e.end_ns) AS dep_ns
       FROM (
         SELECT cluster, service, trace_id, ${startNs} AS start_ns, ${endNs} AS end_ns
         FROM ${table} WHERE ${between('from', 'callsTo')} AND ${CALL_KINDS_SQL}
       ) AS c
       RIGHT JOIN (
         SELECT cluster, service, trace_id, rowNumberInAllBlocks() AS entry, ${startNs} AS start_ns,
                ${endNs} AS end_ns, ${spans.name('duration_ns')}, ${ENDPOINT_SQL} AS endpoint
         FROM ${table} WHERE ${between('from', 'to')} AND ${ENTRY_KINDS_SQL}
       ) AS e ON c.trace_id = e.trace_id AND c.cluster = e.cluster AND c.service = e.service
       GROUP BY e.cluster, e.service, e.trace_id, e.entry
     )
     GROUP BY cluster, service, ep, bucket`,
    {
      from: windowMs,
      to: windowMs + MINUTE_MS,
      callsTo: windowMs + MINUTE_MS + CALL_LOOKAHEAD_MS,
      bounds: RED_BUCKET_BOUNDS_MS,
    },
  );
}

/** Windows of [fromS, toS) the job computed the delay source of (rows recorded before 0008 have no count). */
const COMPUTED_WINDOWS_SQL = (table: string) =>
  `SELECT ${windows.name('window')} FROM ${table}
   WHERE ${windows.name('window')} >= toDateTime({fromS:UInt32}, 'UTC') AND ${windows.name('window')} < toDateTime({toS:UInt32}, 'UTC')
   GROUP BY ${windows.name('window')} HAVING countIf(${windows.name('delay_rows')} IS NOT NULL) > 0`;

const coverageQuery = defineQuery('services.delayCoverage', {
  windows: computed(uint64Number, 'count()'),
  first_s: computed(uint64Number, 'toUInt64(min(w))'),
  last_s: computed(uint64Number, 'toUInt64(max(w))'),
});

export interface DelayCoverage {
  /** Computed windows in the range's minutes, and the first and last of them (ms; 0 when none). */
  windows: number;
  firstMs: number;
  lastMs: number;
}

/** Which of the range's minutes `delay_source_1m` answers for. */
const coveragePart = (storage: Storage, input: DelayInput) => ({
  query: coverageQuery,
  rest: `FROM (SELECT toUnixTimestamp(window) AS w
           FROM (${COMPUTED_WINDOWS_SQL(storage.qualified(storage.tables.topology_windows))}))`,
  params: rangeParams(input),
});

const storedSumsQuery = defineQuery('services.delaySums', {
  endpoint: computed(string, 'ep'),
  bucket: computed(uint8, 'bk'),
  requests: computed(uint64Number, 'sum(n)'),
  duration_ns: computed(uint64, 'sum(d)'),
  dependency_ns: computed(uint64, 'sum(dep)'),
});
type StoredDelaySums = RowOf<(typeof storedSumsQuery)['columns']>;

/**
 * The job's sums of a service over the range's computed windows, per endpoint and bucket. Unmerged copies
 * of a recomputed window are collapsed to the newest first (storage/tables/delay-source.ts); windows whose
 * rows are being written but not yet recorded are left to the span read, never counted twice.
 */
const computedSumsPart = (
  storage: Storage,
  input: DelayInput,
): ReadPart<(typeof storedSumsQuery)['columns']> => {
  const newest = (column: string) => `argMax(${sums.name(column)}, ${sums.name('computed_at')})`;
  return {
    query: storedSumsQuery,
    rest: `FROM (
       SELECT ${sums.name('endpoint')} AS ep, ${sums.name('bucket')} AS bk, ${newest('requests')} AS n,
              ${newest('duration_ns')} AS d, ${newest('dependency_ns')} AS dep
       FROM ${storage.qualified(storage.tables.delay_source_1m)}
       WHERE service = {service:String} ${clusterSql(input)}
         AND window >= toDateTime({fromS:UInt32}, 'UTC') AND window < toDateTime({toS:UInt32}, 'UTC')
         AND window IN (${COMPUTED_WINDOWS_SQL(storage.qualified(storage.tables.topology_windows))})
       GROUP BY window, cluster, endpoint, bucket
     )
     GROUP BY ep, bk`,
    params: rangeParams(input),
  };
};

/** What a range's delay source reads besides the stored spans of the minutes the job has not computed. */
export interface RangeReads {
  /** The range's 100 % figures per endpoint (at most 200, busiest first). */
  figures: EndpointFigures[];
  coverage: DelayCoverage;
  /** The job's sums over the computed minutes, per endpoint and bucket. */
  computed: StoredDelaySums[];
  /** Σ request time and Σ outgoing call time of the service, ms. */
  totals: { serverMs: number; clientMs: number };
}

/**
 * The range's reads that do not depend on one another, as ONE statement (readTogether: chDB runs statements
 * one at a time, each with a fixed cost of a few ms): the endpoints' rollups, which minutes the job has
 * computed, its sums over them and the call-time totals.
 */
export async function rangeReads(storage: Storage, input: DelayInput): Promise<RangeReads> {
  const statement = readTogether(storage);
  const [figureRows, coverageRows, computed, totalRows] = await Promise.all([
    statement.read(endpointFiguresPart(storage, input)),
    statement.read(coveragePart(storage, input)),
    statement.read(computedSumsPart(storage, input)),
    statement.read(callTimePart(storage, input)),
    statement.run(),
  ]);
  const [c] = coverageRows;
  return {
    figures: figureRows.map((r) => ({
      endpoint: r.endpoint,
      count: r.requests,
      durationSumMs: r.sum_ms,
      bucketCounts: r.buckets,
    })),
    coverage:
      c === undefined || c.windows === 0
        ? { windows: 0, firstMs: 0, lastMs: 0 }
        : { windows: c.windows, firstMs: c.first_s * 1000, lastMs: c.last_s * 1000 },
    computed,
    totals: { serverMs: totalRows[0]?.server_ms ?? 0, clientMs: totalRows[0]?.client_ms ?? 0 },
  };
}

const entrySpansQuery = defineQuery('services.entrySpans', {
  trace_id: spans.read('trace_id', string),
  endpoint: computed(string, ENDPOINT_SQL),
  start_ns: computed(int64, `toUnixTimestamp64Nano(${spans.name('ts')})`),
  duration_ns: spans.read('duration_ns', uint64),
});

const callSpansQuery = defineQuery('services.callSpans', {
  trace_id: spans.read('trace_id', string),
  start_ns: computed(int64, `toUnixTimestamp64Nano(${spans.name('ts')})`),
  duration_ns: spans.read('duration_ns', uint64),
});

export type EntrySpan = RowOf<(typeof entrySpansQuery)['columns']>;
export type CallSpan = RowOf<(typeof callSpansQuery)['columns']>;

/**
 * The most recent stored entry spans (SERVER, CONSUMER) of a service in [from, to) — at most `limit` —
 * and the client / producer spans of the same service in the same traces: what the delay source splits in
 * JS. With `skipComputed`, entries in minutes the job has computed are left out (the table has them);
 * their calls are not, as a request of an uncomputed minute may call in the next one.
 */
export async function entryAndCallSpans(
  storage: Storage,
  input: DelayInput & { limit: number; skipComputed: boolean },
): Promise<{ entries: EntrySpan[]; calls: CallSpan[] }> {
  const table = storage.qualified(storage.tables.spans);
  const where = `service = {service:String} AND ${between('from', 'to')} ${clusterSql(input)}`;
  const skip = input.skipComputed
    ? `AND toUnixTimestamp(toStartOfMinute(ts)) NOT IN (
         SELECT toUnixTimestamp(window) FROM (${COMPUTED_WINDOWS_SQL(storage.qualified(storage.tables.topology_windows))}))`
    : '';
  const entries = await readRows(
    storage,
    entrySpansQuery,
    `FROM ${table} WHERE ${where} AND ${ENTRY_KINDS_SQL} ${skip} ORDER BY ts DESC LIMIT {limit:UInt32}`,
    { ...input, ...minuteRange(input.from, input.to) },
  );
  if (entries.length === 0) return { entries, calls: [] };
  // The traces' ids as a parameter rather than the entries query again as a subquery: read once.
  const calls = await readRows(
    storage,
    callSpansQuery,
    `FROM ${table} WHERE ${where} AND ${CALL_KINDS_SQL} AND trace_id IN {traces:Array(String)}
     LIMIT {callLimit:UInt32}`,
    { ...input, traces: [...new Set(entries.map((e) => e.trace_id))], callLimit: input.limit * 50 },
  );
  return { entries, calls };
}
