/**
 * The hourly projection of `red_server_1m` (see tables/red-rollups.ts), added to tables created before it
 * and built for their existing parts in the background; until a part is built, reads of it fall back to
 * its minutes, with the same results.
 */
import { redServerTable } from '../tables/red-rollups.ts';
import { addProjectionsDdl } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const redHourlyProjectionMigration: Migration = {
  version: 6,
  name: 'red-hourly-projection',
  statements: (ctx) => addProjectionsDdl(redServerTable, ctx),
};
