/**
 * The delay source's per-minute table, written by the topology job (see tables/delay-source.ts), and the
 * mark in `topology_windows` of the windows it was computed for: windows recorded before keep NULL there,
 * and their minutes are read from spans as before.
 */
import { delaySourceTable } from '../tables/delay-source.ts';
import { createTableDdl, onCluster, storedTableName } from '../tables/table-ddl.ts';
import { topologyWindowsTable } from '../tables/topology-edges.ts';
import type { Migration } from './migration.ts';

export const delaySourceMigration: Migration = {
  version: 8,
  name: 'delay-source',
  statements: (ctx) => [
    ...createTableDdl(delaySourceTable, ctx),
    `ALTER TABLE ${ctx.database}.${storedTableName(topologyWindowsTable, ctx)}${onCluster(ctx)} ` +
      'ADD COLUMN IF NOT EXISTS `delay_rows` Nullable(UInt32)',
  ],
};
