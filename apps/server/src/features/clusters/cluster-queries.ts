/**
 * Every cluster seen in a time range, from small tables only — never a scan of spans or logs: the RED
 * rollups (services, instances), the trace index (spans), the host metrics' `node_load1` rows (hosts; a
 * primary-key range of `metrics`), the events table (few rows), the ingest ledger (every stored batch that
 * carried a batch id, i.e. everything from agents and proxies, for the ledger's retention) and the pod
 * snapshots proxies published (in memory).
 */
import type { Storage } from '../../storage/index.ts';
import type { ClusterPods } from '../kubernetes/pod-directory.ts';
import { readRows } from '../read-rows.ts';
import { dateTimeSeconds, minuteRange } from '../services/red-queries.ts';

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

interface PartialRow {
  services?: string;
  instances?: string;
  hosts?: string;
  spans?: string;
  events?: string;
  k8s_events?: string;
  batches?: string;
  last_ms: string;
}

export async function listClusters(
  storage: Storage,
  snapshots: readonly ClusterPods[],
  input: ClusterListInput,
): Promise<ClusterSummary[]> {
  const db = storage.database;
  const clusterSql = input.cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const range = 'fromUnixTimestamp64Milli({from:Int64}) AND {col} < fromUnixTimestamp64Milli({to:Int64})';
  const within = (col: string) => `${col} >= ${range.replace('{col}', col)}`;
  const params = { ...input, ...minuteRange(input.from, input.to), fromS: dateTimeSeconds(input.from) };
  const query = (sql: string) => readRows<PartialRow & { cluster: string }>(storage, sql, params);
  const results = await Promise.all([
    query(
      `SELECT cluster, uniqExact(service) AS services, uniqExactIf(instance, instance != '') AS instances,
              toString(toInt64(toUnixTimestamp(max(minute))) * 1000) AS last_ms
       FROM ${storage.qualified(storage.tables.red_server_1m)}
       WHERE minute >= toDateTime({fromS:UInt32}, 'UTC') AND minute < toDateTime({toS:UInt32}, 'UTC') ${clusterSql}
       GROUP BY cluster`,
    ),
    query(
      `SELECT cluster, sum(span_count) AS spans, toString(max(toUnixTimestamp64Milli(end))) AS last_ms
       FROM ${db}.trace_index WHERE ${within('start')} ${clusterSql} GROUP BY cluster`,
    ),
    query(
      `SELECT cluster, uniqExact(resource_attributes['host.name']) AS hosts, toString(max(toUnixTimestamp64Milli(ts))) AS last_ms
       FROM ${db}.metrics WHERE name = 'node_load1' AND ${within('ts')} ${clusterSql} GROUP BY cluster`,
    ),
    query(
      `SELECT cluster, count() AS events, countIf(name = 'k8s.event') AS k8s_events,
              toString(max(toUnixTimestamp64Milli(ts))) AS last_ms
       FROM ${db}.events WHERE ${within('ts')} ${clusterSql} GROUP BY cluster`,
    ),
    query(
      `SELECT cluster, count() AS batches, toString(max(toUnixTimestamp64Milli(stored_at))) AS last_ms
       FROM ${db}.ingest_ledger WHERE ${within('stored_at')} AND batch_id != '' ${clusterSql} GROUP BY cluster`,
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
      e.lastSeen = Math.max(e.lastSeen ?? 0, Number(r.last_ms));
      e.services += Number(r.services ?? 0);
      e.instances += Number(r.instances ?? 0);
      e.hosts += Number(r.hosts ?? 0);
      e.spans += Number(r.spans ?? 0);
      e.events += Number(r.events ?? 0);
      e.kubernetesEvents += Number(r.k8s_events ?? 0);
      e.batches += Number(r.batches ?? 0);
    }
  }
  // A published snapshot is the cluster's current state: listed whatever the range.
  for (const s of snapshots) {
    if (input.cluster !== undefined && s.cluster !== input.cluster) continue;
    entry(s.cluster).kubernetes = { pods: s.pods, publishedAt: s.publishedAt };
  }
  return [...byCluster.values()].sort((a, b) => a.cluster.localeCompare(b.cluster));
}
