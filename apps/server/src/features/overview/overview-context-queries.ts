/**
 * What the overview shows beside each service's RED figures, read in the same statement
 * (services-overview.ts): error-level log records per period, the last restart and version change, and the
 * Kubernetes namespace. RED itself: overview-queries.ts. Spans, logs and events have DateTime64 timestamps,
 * compared with DateTime64 bounds: against a DateTime one, a span at 11:59:59.989 fails `ts < 12:00:00`.
 */
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  int64Number,
  nullable,
  storageTables,
  string,
  tableColumns,
  uint64Number,
} from '../../storage/index.ts';
import type { ReadPart } from '../../storage/index.ts';
import { PERIODS, shifted } from './overview-plan.ts';
import type { SecondsRange } from './overview-plan.ts';
import { RESTART_EVENT, VERSION_CHANGE_EVENT, type OverviewFilter } from './overview-queries.ts';

/** How far before the range end restarts and version changes are looked for. */
const CHANGES_LOOKBACK_S = 30 * 86_400;
/** The namespace is read from the spans of the range's last minutes (spans are wide; this keeps it cheap). */
const NAMESPACE_WINDOW_S = 15 * 60;
/** OTLP SeverityNumber ERROR (17–20) and FATAL (21–24). */
const SEVERITY_ERROR = 17;

const logs = tableColumns(storageTables.logs);
const events = tableColumns(storageTables.events);
const spans = tableColumns(storageTables.spans);

const LOG_TS = logs.name('ts');
/** The condition of period p (`{a<p>:Int64}`, `{b<p>:Int64}`: its bounds in ms). */
const inPeriodSql = (p: number): string =>
  `(${LOG_TS} >= fromUnixTimestamp64Milli({a${p}:Int64}) AND ${LOG_TS} < fromUnixTimestamp64Milli({b${p}:Int64}))`;
const logErrorsQuery = defineQuery('overview.logErrors', {
  service: logs.read('service', string),
  /** Error-level records per period, in PERIODS order. */
  counts: computed(
    array(uint64Number),
    `[${PERIODS.map((_, p) => `countIf(${inPeriodSql(p)})`).join(', ')}]`,
  ),
});

/** Error-level log records per service in the range and its day-ago and week-ago copies. */
export function logErrorsPart(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
): ReadPart<typeof logErrorsQuery.columns> {
  const params: Record<string, unknown> = { cluster: f.cluster, severity: SEVERITY_ERROR };
  PERIODS.forEach((period, p) => {
    const r = shifted(range, period);
    params[`a${p}`] = r.fromS * 1000;
    params[`b${p}`] = r.toS * 1000;
  });
  const cluster = f.cluster === undefined ? '' : `AND ${logs.name('cluster')} = {cluster:String}`;
  const rest = `FROM ${storage.qualified(storage.tables.logs)}
     WHERE ${logs.name('severity_number')} >= {severity:UInt8}
       AND (${PERIODS.map((_, p) => inPeriodSql(p)).join(' OR ')}) ${cluster}
     GROUP BY service`;
  return { query: logErrorsQuery, rest, params };
}

const EVENT_TS = events.name('ts');
const EVENT_NAME = events.name('name');
const lastAtSql = (param: string) =>
  `if(countIf(${EVENT_NAME} = {${param}:String}) = 0, NULL,
      toUnixTimestamp64Milli(maxIf(${EVENT_TS}, ${EVENT_NAME} = {${param}:String})))`;
const changesQuery = defineQuery('overview.changes', {
  service: events.read('service', string),
  /** ms since the epoch; null when none. */
  restart_ms: computed(nullable(int64Number), lastAtSql('restart')),
  version_ms: computed(nullable(int64Number), lastAtSql('change')),
  new_version: computed(
    string,
    `argMaxIf(${events.name('attributes')}['service.version'], ${EVENT_TS}, ${EVENT_NAME} = {change:String})`,
  ),
});

/**
 * The last restart and version change per service before the range end, from the agent's change events
 * (the version is the event's `service.version` attribute, the version it changed to).
 */
export function lastChangesPart(
  storage: Storage,
  toS: number,
  f: OverviewFilter,
): ReadPart<typeof changesQuery.columns> {
  const cluster = f.cluster === undefined ? '' : `AND ${events.name('cluster')} = {cluster:String}`;
  const rest = `FROM ${storage.qualified(storage.tables.events)}
     WHERE ${EVENT_NAME} IN ({restart:String}, {change:String})
       AND ${EVENT_TS} >= fromUnixTimestamp64Milli({changesSince:Int64})
       AND ${EVENT_TS} < fromUnixTimestamp64Milli({changesTo:Int64}) ${cluster}
     GROUP BY service`;
  return {
    query: changesQuery,
    rest,
    params: {
      cluster: f.cluster,
      restart: RESTART_EVENT,
      change: VERSION_CHANGE_EVENT,
      changesSince: Math.max(0, toS - CHANGES_LOOKBACK_S) * 1000,
      changesTo: toS * 1000,
    },
  };
}

const NAMESPACE = `${spans.name('resource_attributes')}['k8s.namespace.name']`;
const namespaceQuery = defineQuery('overview.namespaces', {
  service: spans.read('service', string),
  k8s_namespace: computed(string, `argMax(${NAMESPACE}, ${spans.name('ts')})`),
});

/**
 * The Kubernetes namespace of each service (`k8s.namespace.name`, a resource attribute the SDK or the
 * server's pod metadata sets on spans), from its latest span in the range's last 15 minutes.
 */
export function namespacesPart(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
): ReadPart<typeof namespaceQuery.columns> {
  const ts = spans.name('ts');
  const cluster = f.cluster === undefined ? '' : `AND ${spans.name('cluster')} = {cluster:String}`;
  const rest = `FROM ${storage.qualified(storage.tables.spans)}
     WHERE ${ts} >= fromUnixTimestamp64Milli({nsFrom:Int64}) AND ${ts} < fromUnixTimestamp64Milli({nsTo:Int64})
       AND ${NAMESPACE} != '' ${cluster}
     GROUP BY service`;
  return {
    query: namespaceQuery,
    rest,
    params: {
      cluster: f.cluster,
      nsFrom: Math.max(range.fromS, range.toS - NAMESPACE_WINDOW_S) * 1000,
      nsTo: range.toS * 1000,
    },
  };
}
