/**
 * DDL generated from the table definitions, for a single node (embedded chDB or one ClickHouse
 * server) and for a ClickHouse cluster. Every statement is idempotent (IF NOT EXISTS), so a
 * migration interrupted half-way re-runs safely. Identifiers come from the definitions and from the
 * allow-listed config (see storage-config.ts), never from requests.
 */
import type { StorageCapabilities } from '../capabilities.ts';
import type { ColumnSpec, ComputedColumn, Retention, TableDef, TtlSpec } from './table-def.ts';
import { tableSettings } from './table-def.ts';
import { spansTable } from './spans.ts';
import { TRACE_INDEX_VIEW, traceIndexSelect, traceIndexTable } from './trace-index.ts';

export interface SchemaContext {
  database: string;
  /** Set in cluster mode. */
  cluster?: string | undefined;
  capabilities: StorageCapabilities;
  retention: Retention;
}

type AnyTable = TableDef | TableDef<unknown>;

const INDENT = '    ';

/** Cluster names may carry '-' and '.', which need quoting; plain identifiers stay readable. */
export function sqlIdentifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? name
    : `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}

export function onCluster(ctx: Pick<SchemaContext, 'cluster'>): string {
  return ctx.cluster === undefined ? '' : ` ON CLUSTER ${sqlIdentifier(ctx.cluster)}`;
}

/** The table that physically holds the rows: `<t>_local` for sharded tables in cluster mode. */
export function storedTableName(table: AnyTable, ctx: Pick<SchemaContext, 'cluster'>): string {
  return ctx.cluster !== undefined && table.placement.kind === 'sharded' ? `${table.name}_local` : table.name;
}

function ttlExpression(ttl: TtlSpec, retention: Retention): string {
  return `${ttl.expression} + INTERVAL ${retention[ttl.retention]} ${ttl.unit}`;
}

function columnLine(c: ColumnSpec, withCodec: boolean): string {
  return `${INDENT}\`${c.name}\` ${c.type}${withCodec && c.codec !== undefined ? ` CODEC(${c.codec})` : ''}`;
}

function computedLine(c: ComputedColumn, withCodec: boolean): string {
  return `${columnLine(c, withCodec)} MATERIALIZED ${c.expression}`;
}

/** Every column line of a table: the written ones, then the computed ones. */
function columnLines(table: AnyTable, withCodec: boolean): string[] {
  const columns = table.columns as readonly ColumnSpec[];
  return [
    ...columns.map((c) => columnLine(c, withCodec)),
    ...(table.computedColumns ?? []).map((c) => computedLine(c, withCodec)),
  ];
}

function engineClause(table: AnyTable, ctx: SchemaContext): string {
  const version = table.versionColumn === undefined ? [] : [table.versionColumn];
  if (ctx.cluster === undefined)
    return version.length === 0 ? table.engine : `${table.engine}(${version.join(', ')})`;
  // `{shard}`, `{replica}` and `{database}` are the server's macros, so one statement fits every node.
  const path =
    table.placement.kind === 'sharded'
      ? `/clickhouse/tables/{shard}/{database}/${table.name}_local`
      : `/clickhouse/tables/all/{database}/${table.name}`;
  return `Replicated${table.engine}(${[`'${path}'`, "'{replica}'", ...version].join(', ')})`;
}

function storedTableDdl(table: AnyTable, ctx: SchemaContext): string {
  const lines = columnLines(table, true);
  for (const i of table.indexes?.(ctx.capabilities) ?? []) {
    const granularity = i.granularity === undefined ? '' : ` GRANULARITY ${i.granularity}`;
    lines.push(`${INDENT}INDEX ${i.name} ${i.expression} TYPE ${i.type}${granularity}`);
  }
  for (const p of table.projections?.(ctx.capabilities) ?? [])
    lines.push(`${INDENT}PROJECTION ${p.name} (${p.select})`);
  const clauses = [`ENGINE = ${engineClause(table, ctx)}`];
  if (table.partitionBy !== undefined) clauses.push(`PARTITION BY ${table.partitionBy}`);
  clauses.push(`ORDER BY ${table.orderBy}`);
  if (table.ttl !== undefined) clauses.push(`TTL ${ttlExpression(table.ttl, ctx.retention)}`);
  const settings = Object.entries(tableSettings(table, ctx.capabilities));
  if (settings.length > 0) clauses.push(`SETTINGS ${settings.map(([k, v]) => `${k} = ${v}`).join(', ')}`);
  const name = `${ctx.database}.${storedTableName(table, ctx)}`;
  return `CREATE TABLE IF NOT EXISTS ${name}${onCluster(ctx)}\n(\n${lines.join(',\n')}\n)\n${clauses.join('\n')}`;
}

function distributedTableDdl(
  table: AnyTable,
  ctx: SchemaContext & { cluster: string },
  shardingKey: string,
): string {
  // Computed columns are declared MATERIALIZED here too: an insert through the Distributed table then
  // leaves them out of what it sends, and the shards compute them.
  const columns = columnLines(table, false);
  const engine = `Distributed(${sqlIdentifier(ctx.cluster)}, ${ctx.database}, ${table.name}_local, ${shardingKey})`;
  return `CREATE TABLE IF NOT EXISTS ${ctx.database}.${table.name}${onCluster(ctx)}\n(\n${columns.join(',\n')}\n)\nENGINE = ${engine}`;
}

export function createDatabaseDdl(ctx: Pick<SchemaContext, 'database' | 'cluster'>): string {
  return `CREATE DATABASE IF NOT EXISTS ${ctx.database}${onCluster(ctx)}`;
}

/** The statements that create one table (two in cluster mode for a sharded table). */
export function createTableDdl(table: AnyTable, ctx: SchemaContext): string[] {
  const stored = storedTableDdl(table, ctx);
  if (ctx.cluster === undefined || table.placement.kind !== 'sharded') return [stored];
  return [stored, distributedTableDdl(table, { ...ctx, cluster: ctx.cluster }, table.placement.shardingKey)];
}

/** The view that feeds trace_index from spans (shard-locally in cluster mode). */
export function createTraceIndexViewDdl(ctx: SchemaContext): string {
  const from = `${ctx.database}.${storedTableName(spansTable, ctx)}`;
  const to = `${ctx.database}.${storedTableName(traceIndexTable, ctx)}`;
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${ctx.database}.${TRACE_INDEX_VIEW}${onCluster(ctx)} TO ${to}\nAS ${traceIndexSelect(from)}`;
}

/**
 * Adds a table's projections to an existing table and builds them for the parts written before (a
 * background mutation). Settings the projections rely on are applied first. All idempotent.
 */
export function addProjectionsDdl(table: AnyTable, ctx: SchemaContext): string[] {
  const projections = table.projections?.(ctx.capabilities) ?? [];
  if (projections.length === 0) return [];
  const target = `ALTER TABLE ${ctx.database}.${storedTableName(table, ctx)}${onCluster(ctx)}`;
  const settings = Object.entries(tableSettings(table, ctx.capabilities));
  return [
    ...(settings.length === 0
      ? []
      : [`${target} MODIFY SETTING ${settings.map(([k, v]) => `${k} = ${v}`).join(', ')}`]),
    ...projections.map((p) => `${target} ADD PROJECTION IF NOT EXISTS ${p.name} (${p.select})`),
    ...projections.map((p) => `${target} MATERIALIZE PROJECTION ${p.name}`),
  ];
}

/**
 * Adds a table's computed columns to an existing table (and its Distributed table in cluster mode). Parts
 * written before compute them when read, until merges write them. Idempotent.
 */
export function addComputedColumnsDdl(table: AnyTable, ctx: SchemaContext): string[] {
  const computed = table.computedColumns ?? [];
  const add = (target: string, withCodec: boolean) =>
    computed.map(
      (c) =>
        `ALTER TABLE ${ctx.database}.${target}${onCluster(ctx)} ADD COLUMN IF NOT EXISTS ${computedLine(c, withCodec).trim()}`,
    );
  const stored = add(storedTableName(table, ctx), true);
  return ctx.cluster !== undefined && table.placement.kind === 'sharded'
    ? [...stored, ...add(table.name, false)]
    : stored;
}

/**
 * Changes a table's TTL to the configured one. ClickHouse then recomputes TTL information for the
 * existing parts (materialize_ttl_after_modify), so shortening a retention frees space right away.
 */
export function modifyTtlDdl(table: AnyTable, ctx: SchemaContext): string | undefined {
  if (table.ttl === undefined) return undefined;
  return `ALTER TABLE ${ctx.database}.${storedTableName(table, ctx)}${onCluster(ctx)} MODIFY TTL ${ttlExpression(table.ttl, ctx.retention)}`;
}
