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
  uint32,
  uint64,
  uint8,
} from '../../storage/index.ts';
import { continueAfter, newestFirstPage } from '../paging.ts';
import { SearchFilters } from '../search-filters.ts';

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

const logs = tableColumns(storageTables.logs);

/** What a page is keyed on besides the time: log records have no unique key. */
const ROW_HASH = `cityHash64(${['service', 'instance', 'trace_id', 'span_id', 'body', 'severity_number']
  .map(logs.name)
  .join(', ')})`;

const searchQuery = defineQuery('logs.search', {
  ts_ns: computed(int64, `toUnixTimestamp64Nano(${logs.name('ts')})`),
  observed_ns: computed(int64, `toUnixTimestamp64Nano(${logs.name('observed_ts')})`),
  cluster: logs.read('cluster', string),
  service: logs.read('service', string),
  service_version: logs.read('service_version', string),
  instance: logs.read('instance', string),
  severity_number: logs.read('severity_number', uint8),
  severity_text: logs.read('severity_text', string),
  body: logs.read('body', string),
  trace_id: logs.read('trace_id', string),
  span_id: logs.read('span_id', string),
  flags: logs.read('flags', uint32),
  attribute_list: logs.attributes('attributes'),
  resource_list: logs.attributes('resource_attributes'),
  scope_name: logs.read('scope_name', string),
  row_hash: computed(uint64, ROW_HASH),
});

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
  continueAfter(q.cursor, ROW_HASH, filters);
  const rows = await readRows(
    storage,
    searchQuery,
    `FROM ${storage.qualified(storage.tables.logs)} WHERE ${filters.sql}
     ORDER BY ts DESC, row_hash DESC LIMIT {limit:UInt32}`,
    filters.params,
  );
  return newestFirstPage(rows, q.limit, (r) => ({
    timeUnixNano: r.ts_ns,
    observedTimeUnixNano: r.observed_ns,
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
