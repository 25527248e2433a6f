/**
 * Tables as data. One definition per table feeds the single-node DDL, the cluster DDL, the
 * RowBinary `structure` / column list of inserts, and — through each column's `write` — the byte
 * encoder, so the encoder's byte order cannot drift from the table's column order.
 */
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import type { StorageCapabilities } from '../capabilities.ts';

/** Retention per table family: days for telemetry, hours for the ingest ledger. */
export interface Retention {
  spans: number;
  logs: number;
  metrics: number;
  events: number;
  /** The RED rollups: independent of the spans' TTL, at least 35 days (week-over-week needs last week). */
  red: number;
  ledgerHours: number;
}

export interface ColumnSpec {
  name: string;
  /** ClickHouse type, e.g. `Map(LowCardinality(String), String)`. */
  type: string;
  /** Compression codec list, e.g. `Delta, ZSTD(1)`. */
  codec?: string;
}

/**
 * A column the engine computes from the others on insert (`MATERIALIZED expression`), e.g. a map entry
 * that reads filter and sort on: never written by the encoder, so outside `columnList` and `structure`.
 */
export interface ComputedColumn extends ColumnSpec {
  expression: string;
}

/** A column of an insertable table: it knows how to write its own value for the current row. */
export interface WritableColumn<Row> extends ColumnSpec {
  write(w: RowBinaryWriter, row: Row): void;
}

/** Tables nobody inserts RowBinary into (`Row` = never) have plain column specs. */
type ColumnOf<Row> = [Row] extends [never] ? ColumnSpec : WritableColumn<Row>;

interface SkipIndex {
  name: string;
  expression: string;
  type: string;
  granularity?: number;
}

/**
 * An aggregate projection: a coarser copy of the table kept inside each data part, so the engine builds
 * it on insert, merges it with its part and — unlike a materialized view's table — drops or rebuilds it
 * when rows of the part are deleted.
 */
export interface ProjectionSpec {
  name: string;
  /** The projection's `SELECT … GROUP BY …`, over the table's own columns. */
  select: string;
}

export interface TtlSpec {
  /** A Date/DateTime expression, e.g. `toDateTime(ts)`. */
  expression: string;
  unit: 'DAY' | 'HOUR';
  /** Which configured retention applies. */
  retention: keyof Retention;
}

/**
 * Where a table lives in cluster mode: `sharded` = `<t>_local` replicated per shard plus a
 * `Distributed` table `<t>` over it; `everywhere` = one replicated table on every node (tiny tables
 * every server reads locally, such as the migration log).
 */
type Placement = { kind: 'sharded'; shardingKey: string } | { kind: 'everywhere' };

export type TableSettings = Readonly<Record<string, string | number>>;

export interface TableSpec<Row> {
  name: string;
  columns: readonly ColumnOf<Row>[];
  /** Columns the engine computes on insert; declared alike on a cluster's Distributed table. */
  computedColumns?: readonly ComputedColumn[];
  engine: 'MergeTree' | 'AggregatingMergeTree' | 'ReplacingMergeTree';
  /** ReplacingMergeTree only: the version column; of rows with the same key, merges keep the highest. */
  versionColumn?: string;
  partitionBy?: string;
  /** The ORDER BY expression, e.g. `(cluster, service, ts)`. */
  orderBy: string;
  ttl?: TtlSpec;
  indexes?: (capabilities: StorageCapabilities) => SkipIndex[];
  /** Aggregate projections, where the engine supports what they need. */
  projections?: (capabilities: StorageCapabilities) => ProjectionSpec[];
  /** MergeTree settings; a function when some depend on what the engine supports. */
  settings?: TableSettings | ((capabilities: StorageCapabilities) => TableSettings);
  placement: Placement;
}

export interface TableDef<Row = never> extends TableSpec<Row> {
  /** `(a, b, c)` — the insert column list, in definition order. */
  readonly columnList: string;
  /**
   * `a String, b UInt64` — the RowBinary structure for `file()` / `input()`. LowCardinality is left out
   * of it: the engine parses plain String ≈ 4× faster than LowCardinality(String) from RowBinary (1.5 vs
   * 6.5 µs per span row, bench notes in bench/README.md) and converts on insert for less than the difference.
   */
  readonly structure: string;
}

/** What a bulk insert needs to know about its target. */
export type RowBinaryTarget = Pick<TableDef<unknown>, 'name' | 'columnList' | 'structure'>;

export function defineTable<Row = never>(spec: TableSpec<Row>): TableDef<Row> {
  const columns = spec.columns as readonly ColumnSpec[];
  return Object.freeze({
    ...spec,
    columnList: `(${columns.map((c) => c.name).join(', ')})`,
    structure: columns.map((c) => `${c.name} ${inputType(c.type)}`).join(', '),
  });
}

/** A table's MergeTree settings for the connected engine. */
export function tableSettings(
  table: Pick<TableSpec<unknown>, 'settings'>,
  capabilities: StorageCapabilities,
): TableSettings {
  const { settings } = table;
  return typeof settings === 'function' ? settings(capabilities) : (settings ?? {});
}

/** Encode one row: every column, in definition order. */
export function writeRow<Row>(w: RowBinaryWriter, columns: readonly WritableColumn<Row>[], row: Row): void {
  for (let i = 0; i < columns.length; i++) columns[i]!.write(w, row);
}

/** The type a column is parsed as on insert: the stored type without LowCardinality wrappers. */
export function inputType(type: string): string {
  return type.replace(/LowCardinality\(([^()]*(?:\([^()]*\))?[^()]*)\)/g, '$1');
}
