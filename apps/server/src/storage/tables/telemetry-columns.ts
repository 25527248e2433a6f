/**
 * The columns spans, logs, events and metrics all fill the same way — from the batch's cluster, the
 * flush, the record's resource and its instrumentation scope — defined once so that each table only lists
 * them in its own order and a change to one (a codec, a type) reaches every table that has it.
 */
import type { InstrumentationScope } from '@apo/shared/model';
import type { ResourceColumns } from '../rows/semantic-columns.ts';
import type { WritableColumn } from './table-def.ts';

export const LC = 'LowCardinality(String)';
export const MAP = 'Map(LowCardinality(String), String)';

/** What every telemetry row's encoder cursor carries besides its record. */
export interface TelemetryRow {
  cluster: string;
  flushId: bigint;
  resource: ResourceColumns;
  scope: InstrumentationScope;
}

export const telemetryColumns = {
  cluster: {
    name: 'cluster',
    type: LC,
    write: (w, r) => {
      w.string(r.cluster);
    },
  },
  service: {
    name: 'service',
    type: LC,
    write: (w, r) => {
      w.string(r.resource.service);
    },
  },
  serviceVersion: {
    name: 'service_version',
    type: LC,
    write: (w, r) => {
      w.string(r.resource.serviceVersion);
    },
  },
  instance: {
    name: 'instance',
    type: LC,
    write: (w, r) => {
      w.string(r.resource.instance);
    },
  },
  scopeName: {
    name: 'scope_name',
    type: LC,
    write: (w, r) => {
      w.string(r.scope.name);
    },
  },
  scopeVersion: {
    name: 'scope_version',
    type: LC,
    write: (w, r) => {
      w.string(r.scope.version);
    },
  },
  resourceAttributes: {
    name: 'resource_attributes',
    type: MAP,
    write: (w, r) => {
      // Encoded once per resource (rows/semantic-columns.ts), copied into each of its rows.
      w.raw(r.resource.attributesMap);
    },
  },
  flushId: {
    name: 'flush_id',
    type: 'UInt64',
    write: (w, r) => {
      w.uint64(r.flushId);
    },
  },
} satisfies Record<string, WritableColumn<TelemetryRow>>;
