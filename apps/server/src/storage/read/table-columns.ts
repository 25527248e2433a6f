/**
 * The stored columns a read names, taken from the same table definitions the writer uses
 * (storage/tables/*.ts). A name the table does not have, or a declared type the stored column cannot be
 * read as, throws when the query module loads — at server start and in every test that imports it — not
 * when the query first runs.
 */
import type { ColumnSpec } from '../tables/table-def.ts';
import { attributeList, attributeListSql } from './column-types.ts';
import type { ColumnType } from './column-types.ts';
import type { Selected } from './read-query.ts';

/** What a read needs of a table definition. */
export interface ReadableTable {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  /** Columns the engine computes on insert: read like the others. */
  readonly computedColumns?: readonly ColumnSpec[];
}

export interface TableColumns {
  /** A stored column's name, for SQL (WHERE, GROUP BY, expressions); checked against the definition. */
  name: (column: string) => string;
  /** A stored column selected as it is, its declared type checked against the stored one. */
  read: <T>(column: string, type: ColumnType<T>) => Selected<T>;
  /** A stored `Map(…, String)` column selected as an attributeList (`[key, value]` pairs). */
  attributes: (column: string) => Selected<[string, string][]>;
}

const STRING_MAP = /^Map\((LowCardinality\()?String\)?, String\)$/;

export function tableColumns(table: ReadableTable): TableColumns {
  const stored = new Map([...table.columns, ...(table.computedColumns ?? [])].map((c) => [c.name, c.type]));
  const typeOf = (column: string): string => {
    const type = stored.get(column);
    if (type === undefined) throw new Error(`table ${table.name} has no column "${column}"`);
    return type;
  };
  return {
    name: (column) => {
      typeOf(column);
      return column;
    },
    read: (column, type) => {
      const storedType = typeOf(column);
      if (!type.stored.includes(storedType))
        throw new Error(
          `${table.name}.${column} is stored as ${storedType}; it cannot be read as ${type.expected}`,
        );
      return { sql: column, type };
    },
    attributes: (column) => {
      const storedType = typeOf(column);
      if (!STRING_MAP.test(storedType))
        throw new Error(`${table.name}.${column} is stored as ${storedType}, not as a Map(…, String)`);
      return { sql: attributeListSql(column), type: attributeList };
    },
  };
}
