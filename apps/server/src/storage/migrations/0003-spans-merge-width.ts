/**
 * Wider merges for `spans` (see SPANS_MERGE_SELECTOR_BASE in tables/spans.ts) on tables created before the
 * setting was part of their definition. MODIFY SETTING is idempotent; an engine without the setting (before
 * ClickHouse 24.11) keeps its default merges.
 */
import { spansTable, SPANS_MERGE_SELECTOR_BASE } from '../tables/spans.ts';
import { onCluster, storedTableName } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

export const spansMergeWidthMigration: Migration = {
  version: 3,
  name: 'spans-merge-width',
  statements: (ctx) =>
    ctx.capabilities.mergeSelectorBase
      ? [
          `ALTER TABLE ${ctx.database}.${storedTableName(spansTable, ctx)}${onCluster(ctx)} ` +
            `MODIFY SETTING merge_selector_base = ${SPANS_MERGE_SELECTOR_BASE}`,
        ]
      : [],
};
