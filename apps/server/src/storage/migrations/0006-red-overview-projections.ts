/**
 * The time-sorted hourly and minutely projections of `red_server_1m`, per endpoint and per service (see
 * tables/red-rollups.ts), added to tables created before them and built for their existing parts in the
 * background; until a part is built, reads of it fall back to the table's own rows, with the same results.
 */
import { redServerTable } from '../tables/red-rollups.ts';
import { addProjectionsDdl } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const redOverviewProjectionsMigration: Migration = {
  version: 6,
  name: 'red-overview-projections',
  statements: (ctx) => addProjectionsDdl(redServerTable, ctx),
};
