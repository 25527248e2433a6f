/**
 * Change and infrastructure events (restarts, new versions, Kubernetes events, alert transitions) from the
 * `events` table, newest first. Kubernetes events name their workload in resource attributes
 * (`k8s.workload.kind` / `k8s.workload.name`, the same keys the server attaches to a workload's telemetry),
 * so "what happened to the deployment behind this service" is one filter.
 */
import type { AttributeList } from '@apo/shared/model';
import type { Storage } from '../../storage/index.ts';
import { attributeList, readRows } from '../read-rows.ts';
import { SearchFilters } from '../search-filters.ts';
import { continueAfter, newestFirstPage } from '../time-range.ts';

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

interface EventRow {
  ts_ns: string;
  cluster: string;
  service: string;
  instance: string;
  name: string;
  severity_number: number;
  severity_text: string;
  body: string;
  trace_id: string;
  span_id: string;
  attribute_list: AttributeList;
  resource_list: AttributeList;
  row_hash: string;
}

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
  const hash = 'cityHash64(service, instance, name, body, attributes)';
  continueAfter(q.cursor, hash, filters);
  const rows = await readRows<EventRow>(
    storage,
    `SELECT toString(toUnixTimestamp64Nano(ts)) AS ts_ns, cluster, service, instance, name, severity_number,
            severity_text, body, trace_id, span_id, ${attributeList('attributes')} AS attribute_list,
            ${attributeList('resource_attributes')} AS resource_list, ${hash} AS row_hash
     FROM ${storage.database}.events WHERE ${filters.sql}
     ORDER BY ts DESC, row_hash DESC LIMIT {limit:UInt32}`,
    filters.params,
  );
  return newestFirstPage(rows, q.limit, (r) => ({
    timeUnixNano: BigInt(r.ts_ns),
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
