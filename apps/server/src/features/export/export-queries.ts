/**
 * The trace export's reads: every span of a stored trace in full (attributes, resource, events, links),
 * however many, read page by page so the server holds one page at a time. The embedded engine hands a
 * query's whole answer over at once (chdb's connection buffers it), so one statement for a million full
 * spans would hold its entire text; pages of PAGE_ROWS keep that bounded. Pages are keyset-paged on
 * (ts, span_id): each statement starts at the last span read, and the minmax index on ts lets it skip the
 * granules before it.
 *
 * OTLP groups spans by resource and scope: `exportGroups` lists the trace's (service, resource, scope)
 * groups first (one small aggregate), then each group is paged on its own.
 */
import type { Storage } from '../../storage/index.ts';
import { computed, defineQuery, readRows, string, uint64, uint64Number } from '../../storage/index.ts';
import { spanLimitParams, spanSelection, toSpanView, traceRange } from '../traces/trace-queries.ts';
import type { SpanReadLimits, SpanView } from '../traces/span-view.ts';

/** Spans per statement: about 2-5 MB of answer text with typical attributes. */
const PAGE_ROWS = 2_000;

/** The resource map's identity: its keys and values hashed (a Map column is not hashable as one value). */
const RESOURCE_HASH = 'cityHash64(mapKeys(resource_attributes), mapValues(resource_attributes))';

const groupsQuery = defineQuery('export.groups', {
  service: computed(string, 'service'),
  resource_hash: computed(uint64, RESOURCE_HASH),
  scope_name: computed(string, 'scope_name'),
  scope_version: computed(string, 'scope_version'),
  spans: computed(uint64Number, 'count()'),
});
const pageQuery = defineQuery('export.spans', spanSelection);

/** Spans sharing a resource (service and resource attributes) and an instrumentation scope. */
interface ExportGroup {
  service: string;
  resourceHash: bigint;
  scopeName: string;
  scopeVersion: string;
  spans: number;
}

export interface TraceExportRead {
  traceId: string;
  /** Spans in the trace index (the export may find fewer if retention dropped some since). */
  totalSpans: number;
  /** The trace's groups, by service, resource and scope. */
  groups(): Promise<ExportGroup[]>;
  /** Every span (of `group`, when given) by start time then id, a page at a time. */
  pages(group?: ExportGroup): AsyncGenerator<SpanView[]>;
}

/**
 * A stored trace to export; NotFoundError (from the trace index) when it has no spans. Events and links per
 * span are bounded by `limits` as every span read is (what was cut is counted as dropped).
 */
export async function traceExport(
  storage: Storage,
  traceId: string,
  cluster: string | undefined,
  limits: SpanReadLimits,
  pageRows = PAGE_ROWS,
): Promise<TraceExportRead> {
  const range = await traceRange(storage, traceId, cluster);
  const table = storage.qualified(storage.tables.spans);
  const clusterFilter = cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const inTrace = `trace_id = {traceId:String} ${clusterFilter}
    AND ts >= fromUnixTimestamp64Nano({start:Int64}) AND ts <= fromUnixTimestamp64Nano({end:Int64})`;
  const params = { traceId, cluster, start: range.start_ns, end: range.end_ns };

  const groups = async (): Promise<ExportGroup[]> => {
    const rows = await readRows(
      storage,
      groupsQuery,
      `FROM ${table} WHERE ${inTrace}
       GROUP BY service, resource_hash, scope_name, scope_version
       ORDER BY service, resource_hash, scope_name, scope_version`,
      params,
    );
    return rows.map((r) => ({
      service: r.service,
      resourceHash: r.resource_hash,
      scopeName: r.scope_name,
      scopeVersion: r.scope_version,
      spans: r.spans,
    }));
  };

  async function* pages(group?: ExportGroup): AsyncGenerator<SpanView[]> {
    const groupFilter =
      group === undefined
        ? ''
        : `AND service = {service:String} AND ${RESOURCE_HASH} = {resourceHash:UInt64}
           AND scope_name = {scopeName:String} AND scope_version = {scopeVersion:String}`;
    let after = { ns: range.start_ns, spanId: '' };
    for (;;) {
      const rows = await readRows(
        storage,
        pageQuery,
        `FROM ${table} WHERE ${inTrace} ${groupFilter}
           AND ts >= fromUnixTimestamp64Nano({afterNs:Int64})
           AND (ts, span_id) > (fromUnixTimestamp64Nano({afterNs:Int64}), {afterSpan:String})
         ORDER BY ts, span_id LIMIT {page:UInt32}`,
        {
          ...params,
          ...(group === undefined
            ? {}
            : {
                service: group.service,
                resourceHash: group.resourceHash,
                scopeName: group.scopeName,
                scopeVersion: group.scopeVersion,
              }),
          ...spanLimitParams(limits),
          afterNs: after.ns,
          afterSpan: after.spanId,
          page: pageRows,
        },
      );
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      yield rows.map(toSpanView);
      if (rows.length < pageRows) return;
      after = { ns: last.start_ns, spanId: last.span_id };
    }
  }

  return { traceId, totalSpans: range.spans, groups, pages };
}
