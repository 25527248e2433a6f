/**
 * The typed read kit: every read of stored data declares its columns and their types (column-types.ts),
 * names stored columns through the table definitions the writer uses (table-columns.ts), and gets its rows
 * decoded and checked (read-query.ts) — never cast.
 *
 * Where queries live — one rule: each feature's reads are in `features/<domain>/<domain-singular>-queries.ts`,
 * the feature folder's name in the singular (traces/trace-queries.ts, services/service-queries.ts,
 * kubernetes/kubernetes-queries.ts). Routers, jobs and app.ts hold no SQL; they call those modules. Reads of
 * storage's own bookkeeping (flush ids) live here, beside the kit.
 */
export {
  array,
  attributeList,
  attributeListsSql,
  bool,
  float64,
  int32,
  int64,
  int64Number,
  nullable,
  string,
  uint16,
  uint32,
  uint64,
  uint64Number,
  uint8,
} from './column-types.ts';
export { computed, defineQuery, readRows } from './read-query.ts';
export type { RowOf, Selected, Selection } from './read-query.ts';
export { readTogether } from './read-together.ts';
export type { ReadPart, ReadTogether } from './read-together.ts';
export { tableColumns } from './table-columns.ts';
export { streamRowBinary } from './row-binary-stream.ts';
export type { BinaryField } from './row-binary-stream.ts';
export type { TableColumns } from './table-columns.ts';
export { lastFlushId } from './last-flush-id.ts';
