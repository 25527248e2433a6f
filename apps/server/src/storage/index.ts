/** The storage layer's public surface for the rest of the server. */
export { openStorage, DataDirInUseError } from './open-storage.ts';
export type { Storage } from './open-storage.ts';
export { SchemaTooNewError } from './migrations/run-migrations.ts';
export { RowBinaryWriter } from './row-binary-writer.ts';
export { appendSpanRows } from './rows/spans.ts';
