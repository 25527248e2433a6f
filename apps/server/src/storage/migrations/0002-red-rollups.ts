/** The per-minute RED rollup tables (see tables/red-rollups.ts). */
import { redClientTable, redServerTable } from '../tables/red-rollups.ts';
import { createTableDdl } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const redRollupsMigration: Migration = {
  version: 2,
  name: 'red-rollups',
  statements: (ctx) => [redServerTable, redClientTable].flatMap((table) => createTableDdl(table, ctx)),
};
