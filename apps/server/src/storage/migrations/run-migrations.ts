/**
 * Applies the migrations a database has not seen yet, in version order, and records each one in
 * `schema_migrations` after all its statements succeeded.
 */
import type { ClickHouseClient } from '@clickhouse/client';
// Inlined by bundlers too (a path relative to this file would differ in a bundle): the error names the version.
import serverPackage from '../../../package.json' with { type: 'json' };
import type { StorageLog } from '../storage-log.ts';
import { schemaMigrationsTable } from '../tables/schema-migrations.ts';
import { createDatabaseDdl, createTableDdl } from '../tables/table-ddl.ts';
import type { Migration, MigrationContext } from './migration.ts';

/**
 * The database was written by a newer server (it records a migration this one does not know). Going on would
 * run today's code on tables it does not describe, so the server refuses before changing anything.
 */
export class SchemaTooNewError extends Error {
  override readonly name = 'SchemaTooNewError';
  readonly found: number;
  readonly supported: number;
  constructor(where: string, found: number, supported: number) {
    super(
      `${where} schema version ${found} is newer than this server's ${supported} (apo-server ${serverPackage.version}): upgrade the server; nothing was changed`,
    );
    this.found = found;
    this.supported = supported;
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  for (let i = 1; i < migrations.length; i++) {
    const prev = migrations[i - 1]!;
    const cur = migrations[i]!;
    if (cur.version <= prev.version) {
      throw new Error(
        `migrations out of order: ${cur.version} (${cur.name}) follows ${prev.version} (${prev.name})`,
      );
    }
  }
}

export async function appliedMigrationVersions(
  client: ClickHouseClient,
  database: string,
): Promise<Set<number>> {
  // DISTINCT: in cluster mode two servers starting together may both record a version.
  const result = await client.query({
    query: `SELECT DISTINCT version FROM ${database}.${schemaMigrationsTable.name} ORDER BY version`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ version: number }>();
  return new Set(rows.map((r) => r.version));
}

/**
 * Returns the versions applied by this call (empty when the schema was already current). Throws
 * SchemaTooNewError, before any migration, when the database records a version above the newest here;
 * `where` names the database in that message (e.g. "data directory /var/lib/apo").
 */
export async function runMigrations(
  client: ClickHouseClient,
  ctx: MigrationContext,
  migrations: readonly Migration[],
  log: StorageLog,
  where = `database ${ctx.database}`,
): Promise<number[]> {
  checkOrder(migrations);
  // The log table must exist before it can be read; both statements are idempotent.
  await client.command({ query: createDatabaseDdl(ctx) });
  for (const statement of createTableDdl(schemaMigrationsTable, ctx))
    await client.command({ query: statement });

  const applied = await appliedMigrationVersions(client, ctx.database);
  const supported = migrations.at(-1)?.version ?? 0;
  const newest = Math.max(0, ...applied);
  if (newest > supported) throw new SchemaTooNewError(where, newest, supported);
  const ran: number[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const started = performance.now();
    for (const statement of migration.statements(ctx)) {
      try {
        await client.command({ query: statement });
      } catch (err) {
        throw new Error(
          `migration ${migration.version} (${migration.name}) failed on: ${statement.split('\n')[0] ?? ''}`,
          { cause: err },
        );
      }
    }
    await client.command({
      query: `INSERT INTO ${ctx.database}.${schemaMigrationsTable.name} (version, name, applied_at) VALUES ({version:UInt32}, {name:String}, now())`,
      query_params: { version: migration.version, name: migration.name },
    });
    ran.push(migration.version);
    log.info(
      { version: migration.version, migration: migration.name, ms: Math.round(performance.now() - started) },
      'storage migration applied',
    );
  }
  return ran;
}
