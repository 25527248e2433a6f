/**
 * `spans.entry_endpoint` (an entry span's endpoint, computed on insert) and the `spans_by_time` projection
 * (see tables/spans.ts) on tables created before them. Parts written before compute the column when read;
 * the projection is built for them in the background, and until a part's is built, reads of it fall back to
 * the table's own rows, with the same results.
 */
import { spansTable } from '../tables/spans.ts';
import { addComputedColumnsDdl, addProjectionsDdl } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const spansByTimeMigration: Migration = {
  version: 10,
  name: 'spans-by-time',
  statements: (ctx) => [...addComputedColumnsDdl(spansTable, ctx), ...addProjectionsDdl(spansTable, ctx)],
};
