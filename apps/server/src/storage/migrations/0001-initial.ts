/** The initial schema: every table, then the view that feeds the trace index. */
import { storageTables } from '../tables/all-tables.ts';
import { createDatabaseDdl, createTableDdl, createTraceIndexViewDdl } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  statements: (ctx) => [
    createDatabaseDdl(ctx),
    ...Object.values(storageTables).flatMap((table) => createTableDdl(table, ctx)),
    createTraceIndexViewDdl(ctx),
  ],
};
