/**
 * The topology's reads (routers and the job hold no SQL).
 *
 * The job's read (`windowCalls`): the client, producer and messaging-consumer spans that START in one window,
 * each joined, by trace id and parent span id, to the SERVER span it caused (in another service: a
 * service→service edge) and to the entry span of its own service that encloses it (which endpoint made
 * the call). Both joins read spans a little outside the window ([start − 2 min, end + 1 min]): the child
 * starts after its parent and may be stored by another flush, minutes later; the enclosing entry started
 * before. Rows come back grouped by what decides the edge (the call's labelling attributes, the child's
 * service and endpoint), so a minute of 3 M spans returns a few hundred rows; the JS side labels each with
 * the same `describeCall` the agent's rollups use (edge-structure.ts).
 *
 * The API's reads: edge structure per hour from `topology_edges`, and call figures from `red_client_1m`
 * (100 % of calls) grouped by the rollup key the structure maps to callees.
 */
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  float64,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64Number,
  uint8,
} from '../../storage/index.ts';
import type { ReadPart, RowOf } from '../../storage/index.ts';

const spans = tableColumns(storageTables.spans);
const edges = tableColumns(storageTables.topology_edges);
const windows = tableColumns(storageTables.topology_windows);
const client = tableColumns(storageTables.red_client_1m);

const MINUTE_MS = 60_000;
/** How far before a window an enclosing entry span may start, and how late a child server span may. */
const ENTRY_LOOKBACK_MS = 2 * MINUTE_MS;
const CHILD_LATENESS_MS = MINUTE_MS;

/** The attributes `describeCall` reads to label a call (docs/red-metrics.md), in this order in `call_attrs`. */
export const CALL_ATTRIBUTE_KEYS = [
  'db.system.name',
  'db.system',
  'db.namespace',
  'db.name',
  'server.address',
  'net.peer.name',
  'server.port',
  'net.peer.port',
  'messaging.system',
  'messaging.operation.type',
  'messaging.operation',
  'messaging.destination.template',
  'messaging.destination.name',
  'messaging.destination',
  'messaging.source.name',
  'rpc.system',
  'rpc.service',
  'rpc.method',
  'http.request.method',
  'http.method',
  'http.host',
  'peer.service',
] as const;

const attr = (key: string, map = spans.name('attributes')) => `${map}['${key}']`;
const firstSet = (keys: string[], map?: string) =>
  `multiIf(${keys.map((k) => `${attr(k, map)} != '', ${attr(k, map)}`).join(', ')}, '')`;
const METHOD = firstSet(['http.request.method', 'http.method']);
const ROUTE = spans.name('http_route');
const NAME = spans.name('name');
const KIND = spans.name('kind');
const DESTINATION_KEYS = [
  'messaging.destination.template',
  'messaging.destination.name',
  'messaging.destination',
  'messaging.source.name',
];
/** entryEndpoint (packages/shared/src/red/span-classification.ts) in SQL; attributes read only where needed. */
const ENDPOINT = `multiIf(${KIND} = 2 AND ${ROUTE} != '', if(${METHOD} = '', ${ROUTE}, concat(${METHOD}, ' ', ${ROUTE})),
  ${KIND} = 5 AND ${firstSet(DESTINATION_KEYS)} != '', ${firstSet(DESTINATION_KEYS)}, ${NAME})`;
/** Only the host of a URL travels (the path and query would multiply the groups); user info is cut in JS. */
const urlHost = (map?: string) => {
  const url = firstSet(['url.full', 'http.url'], map);
  return `multiIf(position(${url}, '://') > 0, concat('x://', netloc(${url})), '')`;
};

const windowGroupsQuery = defineQuery('topology.windowGroups', {
  caller_cluster: computed(string, 'c.cluster'),
  caller_service: computed(string, 'c.service'),
  caller_endpoint: computed(string, 'l.endpoint'),
  call_kind: computed(uint8, 'c.kind'),
  callee_cluster: computed(string, 's.cluster'),
  callee_service: computed(string, 's.service'),
  callee_endpoint: computed(string, 's.endpoint'),
  rep_trace: computed(string, 'tupleElement(any(tuple(c.trace_id, c.span_id)), 1)'),
  rep_span: computed(string, 'tupleElement(any(tuple(c.trace_id, c.span_id)), 2)'),
  sampled: computed(uint64Number, 'count()'),
});

const representativeQuery = defineQuery('topology.representatives', {
  trace_id: spans.read('trace_id', string),
  span_id: spans.read('span_id', string),
  caller_namespace: computed(string, `${spans.name('resource_attributes')}['k8s.namespace.name']`),
  call_attrs: computed(
    array(string),
    `arrayMap(k -> ${spans.name('attributes')}[k], [${CALL_ATTRIBUTE_KEYS.map((k) => `'${k}'`).join(', ')}])`,
  ),
  url_host: computed(string, urlHost()),
});

export interface WindowCallRow {
  caller_cluster: string;
  caller_service: string;
  caller_namespace: string;
  caller_endpoint: string;
  call_kind: number;
  call_attrs: string[];
  url_host: string;
  callee_cluster: string;
  callee_service: string;
  callee_endpoint: string;
  sampled: number;
}

/**
 * The grouped calls of the window [fromMs, fromMs + 1 min) with their child and enclosing entry spans, in
 * two reads. First the joins, on ids and typed columns only, grouped by what tells calls apart (kind, name,
 * db system, peer, plus the database name, destination and URL host where those could differ) with one
 * representative span per group; then the labelling attributes of those few representatives. Reading the
 * attribute maps of every call span through the joins cost ~3× the whole job at 3k spans/s (bench/README.md).
 */
export async function windowCalls(storage: Storage, fromMs: number): Promise<WindowCallRow[]> {
  const table = storage.qualified(storage.tables.spans);
  const ts = spans.name('ts');
  const between = (a: string, b: string) =>
    `${ts} >= fromUnixTimestamp64Milli({${a}:Int64}) AND ${ts} < fromUnixTimestamp64Milli({${b}:Int64})`;
  const isCall = `(${KIND} IN (3, 4) OR (${KIND} = 5 AND ${attr('messaging.system')} != ''))`;
  const dbSystem = spans.name('db_system');
  const peer = spans.name('peer');
  // The other two scans only keep spans of the window's calling traces (the set is built once per use).
  const ofCallingTraces = `trace_id IN (SELECT trace_id FROM ${table} WHERE ${between('from', 'to')} AND ${isCall})`;
  const groups = await readRows(
    storage,
    windowGroupsQuery,
    `FROM (
       SELECT cluster, service, trace_id, span_id, ${KIND} AS kind, ${NAME} AS name, ${dbSystem} AS db_system,
              ${peer} AS peer,
              if(${dbSystem} != '', ${firstSet(['db.namespace', 'db.name'])}, '') AS dbns,
              if(${KIND} IN (4, 5) OR ${attr('messaging.system')} != '', ${firstSet(DESTINATION_KEYS)}, '') AS dest,
              if(${peer} = '', concat(${attr('http.host')}, ' ', ${urlHost()}), '') AS host
       FROM ${table}
       WHERE ${between('from', 'to')} AND ${isCall}
     ) AS c
     LEFT JOIN (
       SELECT e.trace_id AS call_trace, e.span_id AS call_span, argMax(x.endpoint, x.start) AS endpoint
       FROM (SELECT cluster, service, trace_id, span_id, ${ts} AS at FROM ${table}
             WHERE ${between('from', 'to')} AND ${isCall}) AS e
       INNER JOIN (
         SELECT cluster, service, trace_id, ${ts} AS start, addNanoseconds(${ts}, duration_ns) AS finish,
                ${ENDPOINT} AS endpoint
         FROM ${table}
         WHERE ${between('entryFrom', 'to')} AND ${ofCallingTraces}
           AND (${KIND} IN (2, 5) OR (${KIND} IN (0, 1) AND parent_span_id = ''))
       ) AS x ON x.trace_id = e.trace_id AND x.cluster = e.cluster AND x.service = e.service
       WHERE x.start <= e.at AND x.finish >= e.at
       GROUP BY call_trace, call_span
     ) AS l ON l.call_trace = c.trace_id AND l.call_span = c.span_id
     LEFT JOIN (
       SELECT cluster, service, trace_id, parent_span_id, ${ENDPOINT} AS endpoint
       FROM ${table}
       WHERE ${between('childFrom', 'childTo')} AND ${KIND} = 2 AND ${ofCallingTraces}
     ) AS s ON s.trace_id = c.trace_id AND s.parent_span_id = c.span_id
     GROUP BY c.cluster, c.service, l.endpoint, c.kind, c.name, c.db_system, c.peer, c.dbns, c.dest, c.host,
              s.cluster, s.service, s.endpoint`,
    windowParams(fromMs),
  );
  if (groups.length === 0) return [];
  const reps = await readRows(
    storage,
    representativeQuery,
    `FROM ${table}
     WHERE ${between('from', 'to')} AND (trace_id, span_id) IN (
       SELECT arrayJoin(arrayZip({traces:Array(String)}, {spans:Array(String)})))`,
    { ...windowParams(fromMs), traces: groups.map((g) => g.rep_trace), spans: groups.map((g) => g.rep_span) },
  );
  const byId = new Map(reps.map((r) => [`${r.trace_id}/${r.span_id}`, r]));
  return groups.flatMap((g) => {
    const rep = byId.get(`${g.rep_trace}/${g.rep_span}`);
    if (rep === undefined) return [];
    return [
      { ...g, caller_namespace: rep.caller_namespace, call_attrs: rep.call_attrs, url_host: rep.url_host },
    ];
  });
}

function windowParams(fromMs: number) {
  return {
    from: fromMs,
    to: fromMs + MINUTE_MS,
    entryFrom: fromMs - ENTRY_LOOKBACK_MS,
    childFrom: fromMs - MINUTE_MS,
    childTo: fromMs + MINUTE_MS + CHILD_LATENESS_MS,
  };
}

const watermarkQuery = defineQuery('topology.watermark', {
  latest: computed(uint64Number, 'toUInt64(max(window)) * 1000'),
  windows: computed(uint64Number, 'count()'),
});

/** The newest window the job has computed (ms; 0 when none) since `sinceMs`. */
export async function latestWindow(storage: Storage, sinceMs: number): Promise<number> {
  const [row] = await readRows(
    storage,
    watermarkQuery,
    `FROM ${storage.qualified(storage.tables.topology_windows)}
     WHERE ${windows.name('window')} >= toDateTime({since:UInt32}, 'UTC')`,
    { since: Math.floor(sinceMs / 1000) },
  );
  return row === undefined || row.windows === 0 ? 0 : row.latest;
}

/** Which edges to read: downstream of services, upstream of services, or all. */
export interface StructureFilter {
  cluster?: string | undefined;
  /** Edges whose caller is one of these services. */
  callers?: readonly string[] | undefined;
  /** Edges whose callee is one of these services. */
  callees?: readonly string[] | undefined;
  callerEndpoint?: string | undefined;
  calleeEndpoint?: string | undefined;
}

const structureQuery = defineQuery('topology.structure', {
  caller_cluster: edges.read('caller_cluster', string),
  caller_service: edges.read('caller_service', string),
  caller_ns: computed(string, `any(${edges.name('caller_namespace')})`),
  caller_endpoint: edges.read('caller_endpoint', string),
  callee_kind: edges.read('callee_kind', string),
  callee_cluster: edges.read('callee_cluster', string),
  callee_name: edges.read('callee_name', string),
  callee_ns: computed(string, `any(${edges.name('callee_namespace')})`),
  callee_endpoint: edges.read('callee_endpoint', string),
  call_type: edges.read('call_type', string),
  peer: edges.read('peer', string),
  system: edges.read('system', string),
  db_namespace: edges.read('db_namespace', string),
  destination: edges.read('destination', string),
  role: edges.read('role', string),
  /** Whether the edge was seen in the range itself (else only in the lookback before it). */
  in_range: computed(uint8, `max(${edges.name('hour')} >= toStartOfHour(toDateTime({from:UInt32}, 'UTC')))`),
});
export type StructureRow = RowOf<typeof structureQuery.columns>;

/** At most this many distinct structural edges are read per call (the API's own bounds are smaller). */
const MAX_STRUCTURE_ROWS = 50_000;

/**
 * Edges seen in the hours overlapping [lookbackFromS, toS), one row per edge (rows of several hours and
 * unmerged duplicates collapse here, so merges never change an answer); `in_range` marks those seen at or
 * after `fromS`'s hour. The lookback finds the callee of an address whose calls in the range were all
 * sampled away.
 */
export async function structure(
  storage: Storage,
  range: { lookbackFromS: number; fromS: number; toS: number },
  f: StructureFilter,
): Promise<StructureRow[]> {
  const part = structurePart(storage, range, f);
  return readRows(storage, part.query, part.rest, part.params);
}

/** `structure` as a part of a statement (readTogether). */
export function structurePart(
  storage: Storage,
  range: { lookbackFromS: number; fromS: number; toS: number },
  f: StructureFilter,
): ReadPart<typeof structureQuery.columns> {
  const where = [
    `${edges.name('hour')} >= toStartOfHour(toDateTime({lookback:UInt32}, 'UTC'))`,
    `${edges.name('hour')} < toDateTime({to:UInt32}, 'UTC')`,
  ];
  if (f.callers !== undefined) where.push(`${edges.name('caller_service')} IN {callers:Array(String)}`);
  if (f.callees !== undefined)
    where.push(
      `${edges.name('callee_kind')} = 'service' AND ${edges.name('callee_name')} IN {callees:Array(String)}`,
    );
  if (f.cluster !== undefined && f.callees === undefined)
    where.push(`${edges.name('caller_cluster')} = {cluster:String}`);
  if (f.cluster !== undefined && f.callees !== undefined)
    where.push(`${edges.name('callee_cluster')} = {cluster:String}`);
  if (f.callerEndpoint !== undefined)
    where.push(`${edges.name('caller_endpoint')} = {callerEndpoint:String}`);
  if (f.calleeEndpoint !== undefined)
    where.push(`${edges.name('callee_endpoint')} = {calleeEndpoint:String}`);
  return {
    query: structureQuery,
    rest: `FROM ${storage.qualified(storage.tables.topology_edges)}
     WHERE ${where.join(' AND ')}
     GROUP BY caller_cluster, caller_service, caller_endpoint, callee_kind, callee_cluster, callee_name,
              callee_endpoint, call_type, peer, system, db_namespace, destination, role
     LIMIT ${MAX_STRUCTURE_ROWS}`,
    params: {
      lookback: range.lookbackFromS,
      from: range.fromS,
      to: range.toS,
      callers: f.callers,
      callees: f.callees,
      cluster: f.cluster,
      callerEndpoint: f.callerEndpoint,
      calleeEndpoint: f.calleeEndpoint,
    },
  };
}

const MESSAGING = `${client.name('call_type')} = 'messaging'`;
const callsQuery = defineQuery('topology.calls', {
  period: computed(uint8, 'period'),
  cluster: client.read('cluster', string),
  service: client.read('service', string),
  call_type: client.read('call_type', string),
  peer: client.read('peer', string),
  system: client.read('system', string),
  db_namespace: client.read('db_namespace', string),
  destination: computed(string, 'destination'),
  role: client.read('role', string),
  calls: computed(uint64Number, `sum(${client.name('count')})`),
  errors: computed(uint64Number, `sum(${client.name('error_count')})`),
  sum_ms: computed(float64, `sum(${client.name('duration_sum_ms')})`),
  buckets: computed(array(uint64Number), `sumForEach(${client.name('bucket_counts')})`),
});
export type CallsRow = RowOf<typeof callsQuery.columns>;

/**
 * Client-call figures from `red_client_1m` per rollup key (operations and tables of one database summed),
 * over each of `ranges` (period = its index), for the given caller services or all. Whole minutes.
 */
export async function callFigures(
  storage: Storage,
  ranges: readonly { fromS: number; toS: number }[],
  f: { cluster?: string | undefined; services?: readonly string[] | undefined },
): Promise<CallsRow[]> {
  const part = callFiguresPart(storage, ranges, f);
  return readRows(storage, part.query, part.rest, part.params);
}

/** `callFigures` as a part of a statement (readTogether). */
export function callFiguresPart(
  storage: Storage,
  ranges: readonly { fromS: number; toS: number }[],
  f: { cluster?: string | undefined; services?: readonly string[] | undefined },
): ReadPart<typeof callsQuery.columns> {
  const params: Record<string, unknown> = { cluster: f.cluster, services: f.services };
  const minute = client.name('minute');
  const when = ranges
    .map((r, i) => {
      params[`f${i}`] = r.fromS;
      params[`t${i}`] = r.toS;
      return `(${minute} >= toDateTime({f${i}:UInt32}, 'UTC') AND ${minute} < toDateTime({t${i}:UInt32}, 'UTC'))`;
    })
    .join(' OR ');
  const period = ranges
    .map(
      (_, i) =>
        `${minute} >= toDateTime({f${i}:UInt32}, 'UTC') AND ${minute} < toDateTime({t${i}:UInt32}, 'UTC'), ${i}`,
    )
    .join(', ');
  const filters = [
    f.cluster === undefined ? '' : `AND ${client.name('cluster')} = {cluster:String}`,
    f.services === undefined ? '' : `AND ${client.name('service')} IN {services:Array(String)}`,
  ].join(' ');
  return {
    query: callsQuery,
    rest: `FROM (SELECT *, toUInt8(multiIf(${period}, 255)) AS period,
                  if(${MESSAGING}, ${client.name('target')}, '') AS destination
           FROM ${storage.qualified(storage.tables.red_client_1m)}
           WHERE (${when}) ${filters})
     GROUP BY period, cluster, service, call_type, peer, system, db_namespace, destination, role`,
    params,
  };
}
