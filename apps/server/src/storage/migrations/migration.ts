/**
 * A numbered schema change. Statements must be idempotent (IF NOT EXISTS / IF EXISTS): a migration
 * is recorded only after all its statements ran, so a crash in the middle re-runs it from the top.
 * Later migrations change the schema with ALTER … IF NOT EXISTS, which is a no-op on a data
 * directory that 0001 created from the newer table definitions.
 */
import type { SchemaContext } from '../tables/table-ddl.ts';

export type MigrationContext = SchemaContext;

export interface Migration {
  version: number;
  name: string;
  statements(ctx: MigrationContext): string[];
}
