/** The topology job's tables: edge structure per hour and the windows computed (see tables/topology-edges.ts). */
import { createTableDdl } from '../tables/table-ddl.ts';
import { topologyEdgesTable, topologyWindowsTable } from '../tables/topology-edges.ts';
import type { Migration } from './migration.ts';

export const topologyMigration: Migration = {
  version: 7,
  name: 'topology',
  statements: (ctx) => [
    ...createTableDdl(topologyEdgesTable, ctx),
    ...createTableDdl(topologyWindowsTable, ctx),
  ],
};
