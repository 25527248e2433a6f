/**
 * The migration log. Every server reads it at start-up, so in cluster mode it is one replicated
 * table present on every node rather than a sharded one.
 */
import { defineTable } from './table-def.ts';

export const schemaMigrationsTable = defineTable({
  name: 'schema_migrations',
  columns: [
    { name: 'version', type: 'UInt32' },
    { name: 'name', type: 'String' },
    { name: 'applied_at', type: 'DateTime' },
  ],
  engine: 'MergeTree',
  orderBy: 'version',
  placement: { kind: 'everywhere' },
});
