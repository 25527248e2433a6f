/**
 * The OpenTelemetry semantic-convention names this preload writes itself. Spelled out here rather than
 * imported: the incubating entry point of `@opentelemetry/semantic-conventions` is large, and start-up
 * cost is paid by every instrumented process.
 */
export const ResourceAttr = {
  ServiceName: 'service.name',
  ServiceVersion: 'service.version',
  ServiceInstanceId: 'service.instance.id',
  HostName: 'host.name',
  ProcessPid: 'process.pid',
  ProcessRuntimeName: 'process.runtime.name',
  ProcessRuntimeVersion: 'process.runtime.version',
  TelemetryDistroName: 'telemetry.distro.name',
  TelemetryDistroVersion: 'telemetry.distro.version',
} as const;

export const DbAttr = {
  SystemName: 'db.system.name',
  Namespace: 'db.namespace',
  QueryText: 'db.query.text',
  QuerySummary: 'db.query.summary',
  OperationName: 'db.operation.name',
  OperationBatchSize: 'db.operation.batch.size',
  CollectionName: 'db.collection.name',
  ResponseReturnedRows: 'db.response.returned_rows',
  ResponseStatusCode: 'db.response.status_code',
  ErrorType: 'error.type',
} as const;

export const DbSystem = { Sqlite: 'sqlite' } as const;
