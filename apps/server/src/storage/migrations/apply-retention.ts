/**
 * Makes each table's TTL match the configured retention, so changing a retention takes effect on an
 * existing data directory too (CREATE TABLE IF NOT EXISTS leaves an existing table as it was).
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { StorageLog } from '../storage-log.ts';
import { storageTables } from '../tables/all-tables.ts';
import { modifyTtlDdl, storedTableName } from '../tables/table-ddl.ts';
import type { SchemaContext } from '../tables/table-ddl.ts';
import type { TtlSpec } from '../tables/table-def.ts';

/** The retention currently in a table's definition, as ClickHouse prints it (`… + toIntervalDay(7)`). */
export function currentTtl(engineFull: string): { amount: number; unit: TtlSpec['unit'] } | undefined {
  const m = /\bTTL\s.*?\+\s*toInterval(Day|Hour)\((\d+)\)/.exec(engineFull);
  if (!m) return undefined;
  return { amount: Number(m[2]), unit: m[1] === 'Day' ? 'DAY' : 'HOUR' };
}

/** Returns the names of the tables whose TTL was changed. */
export async function applyRetention(
  client: ClickHouseClient,
  ctx: SchemaContext,
  log: StorageLog,
): Promise<string[]> {
  const result = await client.query({
    query: 'SELECT name, engine_full FROM system.tables WHERE database = {database:String}',
    query_params: { database: ctx.database },
    format: 'JSONEachRow',
  });
  const engines = new Map(
    (await result.json<{ name: string; engine_full: string }>()).map((r) => [r.name, r.engine_full]),
  );
  const changed: string[] = [];
  for (const table of Object.values(storageTables)) {
    if (table.ttl === undefined) continue;
    const name = storedTableName(table, ctx);
    const engineFull = engines.get(name);
    if (engineFull === undefined)
      throw new Error(`table ${ctx.database}.${name} is missing after migrations`);
    const want = { amount: ctx.retention[table.ttl.retention], unit: table.ttl.unit };
    const have = currentTtl(engineFull);
    if (have?.amount === want.amount && have.unit === want.unit) continue;
    const statement = modifyTtlDdl(table, ctx)!;
    await client.command({ query: statement });
    changed.push(name);
    log.info({ table: name, from: have ?? null, to: want }, 'storage retention changed');
  }
  return changed;
}
