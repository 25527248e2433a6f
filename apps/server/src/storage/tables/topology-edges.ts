/**
 * The dependency topology's structure, written by the topology job (jobs/topology-job.ts), never at insert
 * time: a view sees one inserted block, so a parent and a child span stored by different flushes would lose
 * their edge. Rates, errors and latency are not here: they come from the 100 % client-call rollups
 * (`red_client_1m`) at read time; this table says which edges exist, which endpoint calls which, and which
 * rollup key (call type + peer as the agent labels it) each edge's calls are counted under.
 *
 * One row per hour and edge. ReplacingMergeTree on that key, version `seen_window`: recomputing a window
 * (a restart, a catch-up, the admin's recompute) writes the same rows again and merges keep one, so the
 * job is idempotent without a DELETE (a mutation per minute would cost more than the job). Readers never
 * depend on merges having happened: they only ask whether an edge exists in an hour (GROUP BY the key),
 * and late spans can only add edges, never take one away, so "insert again" is all a recompute needs.
 * An hour rather than a minute per row: structure changes rarely, and a day of edges stays ~24 rows per
 * edge instead of ~1,440, so the map's reads over long ranges stay small.
 *
 * Multi-cluster: the caller and the callee each carry their cluster (an edge may cross clusters); nodes
 * that are not services (databases, external hosts, queues) are named within the caller's cluster, since
 * `db:5432` in two clusters is rarely the same database.
 */
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';

export type CalleeKind = 'service' | 'database' | 'external' | 'queue';

export interface TopologyEdgeRow {
  /** Start of the hour, ms since the epoch. */
  hourMs: number;
  /** The newest window (minute start, ms) that saw the edge: the version merges keep. */
  seenWindowMs: number;
  callerCluster: string;
  callerService: string;
  callerNamespace: string;
  /** The caller's entry endpoint around the call ('' when the caller's entry span was not stored). */
  callerEndpoint: string;
  calleeKind: CalleeKind;
  calleeCluster: string;
  /** The service, or the database / host / queue name. */
  calleeName: string;
  calleeNamespace: string;
  calleeEndpoint: string;
  /** The rollup key of the calls (red_client_1m's columns of the same names). */
  callType: string;
  peer: string;
  system: string;
  dbNamespace: string;
  /** The queue's destination for messaging; '' otherwise (the rollup's target is the table for db). */
  destination: string;
  role: string;
}

const LC = 'LowCardinality(String)';

function text(name: string, value: (r: TopologyEdgeRow) => string): WritableColumn<TopologyEdgeRow> {
  return {
    name,
    type: LC,
    write: (w, r) => {
      w.string(value(r));
    },
  };
}

const columns: WritableColumn<TopologyEdgeRow>[] = [
  {
    name: 'hour',
    type: "DateTime('UTC')",
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.uint32(r.hourMs / 1000);
    },
  },
  {
    name: 'seen_window',
    type: "DateTime('UTC')",
    write: (w, r) => {
      w.uint32(r.seenWindowMs / 1000);
    },
  },
  text('caller_cluster', (r) => r.callerCluster),
  text('caller_service', (r) => r.callerService),
  text('caller_namespace', (r) => r.callerNamespace),
  text('caller_endpoint', (r) => r.callerEndpoint),
  text('callee_kind', (r) => r.calleeKind),
  text('callee_cluster', (r) => r.calleeCluster),
  text('callee_name', (r) => r.calleeName),
  text('callee_namespace', (r) => r.calleeNamespace),
  text('callee_endpoint', (r) => r.calleeEndpoint),
  text('call_type', (r) => r.callType),
  text('peer', (r) => r.peer),
  text('system', (r) => r.system),
  text('db_namespace', (r) => r.dbNamespace),
  text('destination', (r) => r.destination),
  text('role', (r) => r.role),
];

export const topologyEdgesTable = defineTable<TopologyEdgeRow>({
  name: 'topology_edges',
  columns,
  engine: 'ReplacingMergeTree',
  versionColumn: 'seen_window',
  partitionBy: 'toDate(hour)',
  // Caller first: a service's downstream reads one run; the hour next, so a range skips the rest.
  orderBy:
    '(caller_cluster, caller_service, hour, callee_kind, callee_cluster, callee_name, caller_endpoint, ' +
    'callee_endpoint, call_type, peer, system, db_namespace, destination, role)',
  // As long as the rollups it is read with: week-over-week needs last week's edges too.
  ttl: { expression: 'hour', unit: 'DAY', retention: 'red' },
  settings: { ttl_only_drop_parts: 1 },
  placement: { kind: 'sharded', shardingKey: 'cityHash64(caller_cluster, caller_service)' },
});

export interface TopologyWindowRow {
  windowMs: number;
  computedAtMs: number;
  edgeRows: number;
  /** Rows written to `delay_source_1m` (tables/delay-source.ts) for the window. */
  delayRows: number;
}

/**
 * The windows the job has computed (one row per computation; merges keep the newest): where it resumes
 * after a restart, what a test or the admin's recompute can check, and which minutes `delay_source_1m`
 * answers for.
 */
export const topologyWindowsTable = defineTable<TopologyWindowRow>({
  name: 'topology_windows',
  columns: [
    {
      name: 'window',
      type: "DateTime('UTC')",
      write: (w, r) => {
        w.uint32(r.windowMs / 1000);
      },
    },
    {
      name: 'computed_at',
      type: 'DateTime64(3)',
      write: (w, r) => {
        w.dateTime64Millis(r.computedAtMs);
      },
    },
    {
      name: 'edge_rows',
      type: 'UInt32',
      write: (w, r) => {
        w.uint32(r.edgeRows);
      },
    },
    {
      // NULL in rows recorded before migration 0008: the window's edges were computed, its delay source
      // not, so `services.delaySource` reads that minute's spans instead (the rows say nothing about it).
      name: 'delay_rows',
      type: 'Nullable(UInt32)',
      write: (w, r) => {
        w.uint8(0);
        w.uint32(r.delayRows);
      },
    },
  ],
  engine: 'ReplacingMergeTree',
  versionColumn: 'computed_at',
  partitionBy: 'toDate(window)',
  orderBy: 'window',
  ttl: { expression: 'window', unit: 'DAY', retention: 'red' },
  settings: { ttl_only_drop_parts: 1 },
  // Tiny, and the job of whichever server leads reads it: one copy on every node.
  placement: { kind: 'everywhere' },
});
