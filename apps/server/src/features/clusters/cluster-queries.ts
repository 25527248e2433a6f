/**
 * Every cluster seen in a time range, from small tables only — never a scan of spans or logs: the RED
 * rollups (services, instances), the trace index (spans), the host metrics' `node_load1` rows (hosts; a
 * primary-key range of `metrics`), the events table (few rows), the ingest ledger (every stored batch that
 * carried a batch id, i.e. everything from agents and proxies, for the ledger's retention) and the pod
 * snapshots proxies published (in memory).
 */
import type { Storage } from '../../storage/index.ts';
import {
  computed,
  defineQuery,
  int64Number,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64Number,
} from '../../storage/index.ts';
import type { Selection, TableColumns } from '../../storage/index.ts';
import type { ClusterPods } from '../kubernetes/pod-directory.ts';
import { dateTimeSeconds, minuteRange } from '../time-range.ts';

export interface ClusterSummary {
  cluster: string;
  /** Epoch ms of the newest data seen from the cluster in the range; null when only a snapshot is known. */
  lastSeen: number | null;
  /** Services and (identified) service instances with requests in the range (RED rollups). */
  services: number;
  instances: number;
  /** Hosts reporting host metrics (agents) in the range. */
  hosts: number;
  /** Spans stored (all spans, sampled or not, that reached storage). */
  spans: number;
  /** Change and infrastructure events; `kubernetesEvents` of them forwarded by the cluster's proxy. */
  events: number;
  kubernetesEvents: number;
  /** Batches stored with a batch id (agents, proxies), within the ingest ledger's retention (24 h by default). */
  batches: number;
  /** The pod snapshot the cluster's proxy published last; null when none did. */
  kubernetes: { pods: number; publishedAt: number } | null;
}

export interface ClusterListInput {
  from: number;
  to: number;
  cluster?: string | undefined;
}

const red = tableColumns(storageTables.red_server_1m);
const traceIndex = tableColumns(storageTables.trace_index);
const metrics = tableColumns(storageTables.metrics);
const events = tableColumns(storageTables.events);
const ledger = tableColumns(storageTables.ingest_ledger);

/** Each source's cluster id and the epoch ms of its newest row in the range, then its own counts. */
const bySource = <S extends Selection>(source: string, table: TableColumns, newestMs: string, counts: S) =>
  defineQuery(`clusters.list.${source}`, {
    cluster: table.read('cluster', string),
    last_ms: computed(int64Number, newestMs),
    ...counts,
  });

const fromRed = bySource('red', red, `toInt64(toUnixTimestamp(max(${red.name('minute')}))) * 1000`, {
  services: computed(uint64Number, `uniqExact(${red.name('service')})`),
  instances: computed(uint64Number, `uniqExactIf(${red.name('instance')}, instance != '')`),
});
const fromTraceIndex = bySource(
  'traceIndex',
  traceIndex,
  `max(toUnixTimestamp64Milli(${traceIndex.name('end')}))`,
  { spans: computed(uint64Number, `sum(${traceIndex.name('span_count')})`) },
);
const fromMetrics = bySource('hosts', metrics, `max(toUnixTimestamp64Milli(${metrics.name('ts')}))`, {
  hosts: computed(uint64Number, `uniqExact(${metrics.name('resource_attributes')}['host.name'])`),
});
const fromEvents = bySource('events', events, `max(toUnixTimestamp64Milli(${events.name('ts')}))`, {
  events: computed(uint64Number, 'count()'),
  k8s_events: computed(uint64Number, `countIf(${events.name('name')} = 'k8s.event')`),
});
const fromLedger = bySource('ledger', ledger, `max(toUnixTimestamp64Milli(${ledger.name('stored_at')}))`, {
  batches: computed(uint64Number, 'count()'),
});

/** A source's row as the summary adds it up: the counts a source does not have count 0. */
type SourceRow = { cluster: string; last_ms: number } & Partial<
  Record<'services' | 'instances' | 'hosts' | 'spans' | 'events' | 'k8s_events' | 'batches', number>
>;

export async function listClusters(
  storage: Storage,
  snapshots: readonly ClusterPods[],
  input: ClusterListInput,
): Promise<ClusterSummary[]> {
  const clusterSql = input.cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const range = 'fromUnixTimestamp64Milli({from:Int64}) AND {col} < fromUnixTimestamp64Milli({to:Int64})';
  const within = (col: string) => `${col} >= ${range.replace('{col}', col)}`;
  const params = { ...input, ...minuteRange(input.from, input.to), fromS: dateTimeSeconds(input.from) };
  const results: SourceRow[][] = await Promise.all([
    readRows(
      storage,
      fromRed,
      `FROM ${storage.qualified(storage.tables.red_server_1m)}
       WHERE minute >= toDateTime({fromS:UInt32}, 'UTC') AND minute < toDateTime({toS:UInt32}, 'UTC') ${clusterSql}
       GROUP BY cluster`,
      params,
    ),
    readRows(
      storage,
      fromTraceIndex,
      `FROM ${storage.qualified(storage.tables.trace_index)} WHERE ${within('start')} ${clusterSql} GROUP BY cluster`,
      params,
    ),
    readRows(
      storage,
      fromMetrics,
      `FROM ${storage.qualified(storage.tables.metrics)}
       WHERE name = 'node_load1' AND ${within('ts')} ${clusterSql} GROUP BY cluster`,
      params,
    ),
    readRows(
      storage,
      fromEvents,
      `FROM ${storage.qualified(storage.tables.events)} WHERE ${within('ts')} ${clusterSql} GROUP BY cluster`,
      params,
    ),
    readRows(
      storage,
      fromLedger,
      `FROM ${storage.qualified(storage.tables.ingest_ledger)}
       WHERE ${within('stored_at')} AND batch_id != '' ${clusterSql} GROUP BY cluster`,
      params,
    ),
  ]);

  const byCluster = new Map<string, ClusterSummary>();
  const entry = (cluster: string): ClusterSummary => {
    let e = byCluster.get(cluster);
    if (e === undefined) {
      e = {
        cluster,
        lastSeen: null,
        services: 0,
        instances: 0,
        hosts: 0,
        spans: 0,
        events: 0,
        kubernetesEvents: 0,
        batches: 0,
        kubernetes: null,
      };
      byCluster.set(cluster, e);
    }
    return e;
  };
  for (const rows of results) {
    for (const r of rows) {
      const e = entry(r.cluster);
      e.lastSeen = Math.max(e.lastSeen ?? 0, r.last_ms);
      e.services += r.services ?? 0;
      e.instances += r.instances ?? 0;
      e.hosts += r.hosts ?? 0;
      e.spans += r.spans ?? 0;
      e.events += r.events ?? 0;
      e.kubernetesEvents += r.k8s_events ?? 0;
      e.batches += r.batches ?? 0;
    }
  }
  // A published snapshot is the cluster's current state: listed whatever the range.
  for (const s of snapshots) {
    if (input.cluster !== undefined && s.cluster !== input.cluster) continue;
    entry(s.cluster).kubernetes = { pods: s.pods, publishedAt: s.publishedAt };
  }
  return [...byCluster.values()].sort((a, b) => a.cluster.localeCompare(b.cluster));
}
