/**
 * `metrics.host_name` (the `host.name` resource attribute, computed on insert) and the `metrics_by_host`
 * projection (see tables/metrics.ts) on tables created before them. Parts written before compute the column
 * when read; the projection is built for them in the background, and until a part's is built, reads of it
 * fall back to the table's own rows, with the same results. (0008 is another change's number.)
 */
import { metricsTable } from '../tables/metrics.ts';
import { addComputedColumnsDdl, addProjectionsDdl } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const metricsByHostMigration: Migration = {
  version: 9,
  name: 'metrics-by-host',
  statements: (ctx) => [...addComputedColumnsDdl(metricsTable, ctx), ...addProjectionsDdl(metricsTable, ctx)],
};
