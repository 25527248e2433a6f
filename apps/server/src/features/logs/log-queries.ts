import type { AttributeList } from '@apo/shared/model';
import type { Storage } from '../../storage/index.ts';
import { attributeList, readRows } from '../read-rows.ts';
import { SearchFilters } from '../search-filters.ts';
import { continueAfter, newestFirstPage } from '../time-range.ts';

export interface LogView {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  cluster: string;
  service: string;
  serviceVersion: string;
  instance: string;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId: string;
  spanId: string;
  flags: number;
  attributes: AttributeList;
  resource: AttributeList;
  scopeName: string;
}

interface LogRow {
  ts_ns: string;
  observed_ns: string;
  cluster: string;
  service: string;
  service_version: string;
  instance: string;
  severity_number: number;
  severity_text: string;
  body: string;
  trace_id: string;
  span_id: string;
  flags: number;
  attribute_list: AttributeList;
  resource_list: AttributeList;
  scope_name: string;
  row_hash: string;
}

export const severityFloor = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;

export interface LogSearch {
  from: number;
  to: number;
  cluster?: string | undefined;
  service?: string | undefined;
  severity?: keyof typeof severityFloor | undefined;
  text?: string | undefined;
  traceId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * The tokens the body index holds: runs of ASCII letters and digits (bytes ≥ 0x80 count as letters, as in
 * the engine's splitByNonAlpha tokenizer), lower-cased, because the index is on lower(body).
 */
function searchTokens(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- the separator class is every ASCII non-alphanumeric byte
  const tokens = text.toLowerCase().split(/[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+/);
  return [...new Set(tokens.filter((t) => t !== ''))].slice(0, 32);
}

/** Matching log records, newest first, keyset-paged on (time, a hash of the record). */
export async function searchLogs(
  storage: Storage,
  q: LogSearch,
): Promise<{ items: LogView[]; nextCursor: string | null }> {
  const filters = new SearchFilters(q)
    .equal('service', 'service', q.service)
    .equal('trace_id', 'traceId', q.traceId);
  if (q.severity !== undefined)
    filters.add('severity_number >= {sev:UInt8}', { sev: severityFloor[q.severity] });
  searchTokens(q.text ?? '').forEach((token, i) => {
    filters.add(`hasToken(lower(body), {t${i}:String})`, { [`t${i}`]: token });
  });
  const hash = 'cityHash64(service, instance, trace_id, span_id, body, severity_number)';
  continueAfter(q.cursor, hash, filters);
  const rows = await readRows<LogRow>(
    storage,
    `SELECT toString(toUnixTimestamp64Nano(ts)) AS ts_ns, toString(toUnixTimestamp64Nano(observed_ts)) AS observed_ns,
            cluster, service, service_version, instance, severity_number, severity_text, body, trace_id, span_id, flags,
            ${attributeList('attributes')} AS attribute_list,
            ${attributeList('resource_attributes')} AS resource_list, scope_name, ${hash} AS row_hash
     FROM ${storage.database}.logs WHERE ${filters.sql}
     ORDER BY ts DESC, row_hash DESC LIMIT {limit:UInt32}`,
    filters.params,
  );
  return newestFirstPage(rows, q.limit, (r) => ({
    timeUnixNano: BigInt(r.ts_ns),
    observedTimeUnixNano: BigInt(r.observed_ns),
    cluster: r.cluster,
    service: r.service,
    serviceVersion: r.service_version,
    instance: r.instance,
    severityNumber: r.severity_number,
    severityText: r.severity_text,
    body: r.body,
    traceId: r.trace_id,
    spanId: r.span_id,
    flags: r.flags,
    attributes: r.attribute_list,
    resource: r.resource_list,
    scopeName: r.scope_name,
  }));
}
