/**
 * The initial schema: the tables of the first release, then the view that feeds the trace index. The
 * list is explicit, not "every table": tables added later come with their own migration, so this one
 * stays what it was and a data directory created by it gets them from the later migrations.
 */
import { eventsTable } from '../tables/events.ts';
import { ingestLedgerTable } from '../tables/ingest-ledger.ts';
import { logsTable } from '../tables/logs.ts';
import { metricsTable } from '../tables/metrics.ts';
import { schemaMigrationsTable } from '../tables/schema-migrations.ts';
import { spansTable } from '../tables/spans.ts';
import { createDatabaseDdl, createTableDdl, createTraceIndexViewDdl } from '../tables/table-ddl.ts';
import { traceIndexTable } from '../tables/trace-index.ts';
import type { Migration } from './migration.ts';

/** In creation order: the trace index before the view that feeds it. */
const initialTables = [
  schemaMigrationsTable,
  spansTable,
  traceIndexTable,
  logsTable,
  eventsTable,
  metricsTable,
  ingestLedgerTable,
] as const;

export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  statements: (ctx) => [
    createDatabaseDdl(ctx),
    ...initialTables.flatMap((table) => createTableDdl(table, ctx)),
    createTraceIndexViewDdl(ctx),
  ],
};
