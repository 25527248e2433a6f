/**
 * Change and infrastructure events (restarts, new versions, Kubernetes events, alert transitions) from the
 * `events` table, newest first. Kubernetes events name their workload in resource attributes
 * (`k8s.workload.kind` / `k8s.workload.name`, the same keys the server attaches to a workload's telemetry),
 * so "what happened to the deployment behind this service" is one filter.
 */
import type { AttributeList } from '@apo/shared/model';
import type { Storage } from '../../storage/index.ts';
import {
  computed,
  defineQuery,
  int64,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64,
  uint8,
} from '../../storage/index.ts';
import { continueAfter, newestFirstPage } from '../paging.ts';
import { SearchFilters } from '../search-filters.ts';

export interface EventView {
  timeUnixNano: bigint;
  cluster: string;
  service: string;
  instance: string;
  name: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  attributes: AttributeList;
  resource: AttributeList;
}

export interface EventSearch {
  from: number;
  to: number;
  cluster?: string | undefined;
  service?: string | undefined;
  /** The event name, e.g. `k8s.event`. */
  name?: string | undefined;
  namespace?: string | undefined;
  workloadKind?: string | undefined;
  workloadName?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

const events = tableColumns(storageTables.events);

/** What a page is keyed on besides the time: events have no unique key. */
const ROW_HASH = `cityHash64(${['service', 'instance', 'name', 'body', 'attributes'].map(events.name).join(', ')})`;

const searchQuery = defineQuery('events.search', {
  ts_ns: computed(int64, `toUnixTimestamp64Nano(${events.name('ts')})`),
  cluster: events.read('cluster', string),
  service: events.read('service', string),
  instance: events.read('instance', string),
  name: events.read('name', string),
  severity_number: events.read('severity_number', uint8),
  severity_text: events.read('severity_text', string),
  body: events.read('body', string),
  trace_id: events.read('trace_id', string),
  span_id: events.read('span_id', string),
  attribute_list: events.attributes('attributes'),
  resource_list: events.attributes('resource_attributes'),
  row_hash: computed(uint64, ROW_HASH),
});

export async function searchEvents(
  storage: Storage,
  q: EventSearch,
): Promise<{ items: EventView[]; nextCursor: string | null }> {
  const filters = new SearchFilters(q)
    .equal('service', 'service', q.service)
    .equal('name', 'name', q.name)
    .equal("resource_attributes['k8s.namespace.name']", 'namespace', q.namespace)
    .equal("resource_attributes['k8s.workload.kind']", 'workloadKind', q.workloadKind)
    .equal("resource_attributes['k8s.workload.name']", 'workloadName', q.workloadName);
  continueAfter(q.cursor, ROW_HASH, filters);
  const rows = await readRows(
    storage,
    searchQuery,
    `FROM ${storage.qualified(storage.tables.events)} WHERE ${filters.sql}
     ORDER BY ts DESC, row_hash DESC LIMIT {limit:UInt32}`,
    filters.params,
  );
  return newestFirstPage(rows, q.limit, (r) => ({
    timeUnixNano: r.ts_ns,
    cluster: r.cluster,
    service: r.service,
    instance: r.instance,
    name: r.name,
    severityNumber: r.severity_number,
    severityText: r.severity_text,
    body: r.body,
    traceId: r.trace_id,
    spanId: r.span_id,
    attributes: r.attribute_list,
    resource: r.resource_list,
  }));
}

const kubernetesWarningsQuery = defineQuery('events.kubernetesWarnings', {
  event_reason: computed(string, `attributes['k8s.event.reason']`),
  occurrences: computed(uint64, 'count()'),
  last_message: computed(string, 'argMax(body, ts)'),
});

/** Warning Kubernetes events of a service in the range per reason (at most 20, most frequent first). */
export async function kubernetesWarnings(
  storage: Storage,
  input: { service: string; from: number; to: number; cluster?: string | undefined; eventName: string },
): Promise<{ reason: string; count: number; lastMessage: string }[]> {
  const rows = await readRows(
    storage,
    kubernetesWarningsQuery,
    `FROM ${storage.qualified(storage.tables.events)}
     WHERE ${events.name('service')} = {service:String} AND name = {eventName:String}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
       AND attributes['k8s.event.type'] = 'Warning'
     GROUP BY event_reason ORDER BY occurrences DESC, event_reason LIMIT 20`,
    input,
  );
  return rows.map((r) => ({
    reason: r.event_reason,
    count: Number(r.occurrences),
    lastMessage: r.last_message,
  }));
}
