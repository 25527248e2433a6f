/** The storage layer's public surface for the rest of the server. */
export { openStorage, DataDirInUseError } from './open-storage.ts';
export type { Storage } from './open-storage.ts';
export { SchemaTooNewError } from './migrations/run-migrations.ts';
export { parseStorageConfig, storageConfigSchema } from './storage-config.ts';
export type { StorageConfig, StorageConfigInput } from './storage-config.ts';
export type { StorageCapabilities } from './capabilities.ts';
export type { StorageLog } from './storage-log.ts';
export { RowBinaryWriter } from './row-binary-writer.ts';
export { appendSpanRows } from './rows/spans.ts';
export { appendLogRows } from './rows/logs.ts';
export { appendEventRows } from './rows/events.ts';
export { eventNameOf } from './rows/semantic-columns.ts';
export { appendMetricRows, isRedMetric } from './rows/metrics.ts';
export { appendRedClientRows, appendRedServerRows } from './rows/red.ts';
export { appendLedgerRows } from './rows/ledger.ts';
export type { RowContext } from './rows/row-context.ts';
export { storageTables } from './tables/all-tables.ts';
export type { StorageTables } from './tables/all-tables.ts';
// Ingest (apps/server/src/ingest): the retention windows admission accepts record times in.
export type { Retention } from './tables/table-def.ts';
