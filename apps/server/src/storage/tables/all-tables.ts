/**
 * Every table of the schema, keyed by table name, in creation order (the trace index before the
 * view that feeds it).
 */
import { delaySourceTable } from './delay-source.ts';
import { eventsTable } from './events.ts';
import { ingestLedgerTable } from './ingest-ledger.ts';
import { kubernetesPodsTable } from './kubernetes-pods.ts';
import { logsTable } from './logs.ts';
import { metricsTable } from './metrics.ts';
import { redClientTable, redServerTable } from './red-rollups.ts';
import { schemaMigrationsTable } from './schema-migrations.ts';
import { spansTable } from './spans.ts';
import { topologyEdgesTable, topologyWindowsTable } from './topology-edges.ts';
import { traceIndexTable } from './trace-index.ts';

export const storageTables = {
  schema_migrations: schemaMigrationsTable,
  spans: spansTable,
  trace_index: traceIndexTable,
  logs: logsTable,
  events: eventsTable,
  metrics: metricsTable,
  red_server_1m: redServerTable,
  red_client_1m: redClientTable,
  ingest_ledger: ingestLedgerTable,
  kubernetes_pods: kubernetesPodsTable,
  topology_edges: topologyEdgesTable,
  topology_windows: topologyWindowsTable,
  delay_source_1m: delaySourceTable,
} as const;

export type StorageTables = typeof storageTables;
