/** The storage layer's public surface for the rest of the server. */
export { openStorage, DataDirInUseError } from './open-storage.ts';
export type { Storage } from './open-storage.ts';
export { SchemaTooNewError } from './migrations/run-migrations.ts';
export { RowBinaryWriter } from './row-binary-writer.ts';
export { appendSpanRows } from './rows/spans.ts';
export { appendLogRows } from './rows/logs.ts';
export { appendEventRows } from './rows/events.ts';
export { eventNameOf } from './rows/semantic-columns.ts';
export { appendMetricRows, isRedMetric } from './rows/metrics.ts';
export { appendRedClientRows, appendRedServerRows } from './rows/red.ts';
export { appendLedgerRows } from './rows/ledger.ts';
export { appendTopologyEdgeRows, appendTopologyWindowRow } from './rows/topology.ts';
export type { CalleeKind, TopologyEdgeRow } from './tables/topology-edges.ts';
export { appendDelaySourceRows } from './rows/delay-source.ts';
export { storageTables } from './tables/all-tables.ts';
// Ingest (apps/server/src/ingest): the retention windows admission accepts record times in.
export type { Retention } from './tables/table-def.ts';
// The typed read kit (storage/read/index.ts says where queries live).
export {
  array,
  attributeList,
  attributeListsSql,
  bool,
  computed,
  defineQuery,
  float64,
  int32,
  int64,
  int64Number,
  lastFlushId,
  nullable,
  readRows,
  readTogether,
  streamRowBinary,
  string,
  tableColumns,
  uint16,
  uint32,
  uint64,
  uint64Number,
  uint8,
} from './read/index.ts';
export type {
  BinaryField,
  ReadPart,
  ReadTogether,
  RowOf,
  Selected,
  Selection,
  TableColumns,
} from './read/index.ts';
