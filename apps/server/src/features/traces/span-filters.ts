/**
 * The span filters of the trace searches (`traces.search`, `traces.searchTraces`, the scatter and the
 * analytics): service, operation, status and attribute conditions, written once as SQL conditions over the
 * spans table with typed parameters. A trace matches when ONE of its spans matches them all (as in Jaeger and
 * TraceQL's `{ … && … }`), so `service=db status=error` finds traces whose db span failed, not traces with a
 * db span and some other failure.
 */
import { z } from 'zod';
import type { SearchFilters } from '../search-filters.ts';

/**
 * `eq`: the span (or its resource) has the key with this value; `neq`: it has the key with another value;
 * `exists`: it has the key. A key the span lacks never matches `neq`: "tier != gold" asks about spans that
 * carry a tier, as TraceQL's `span.tier != "gold"` does.
 */
type AttributeOp = 'eq' | 'neq' | 'exists';

interface AttributeFilter {
  key: string;
  op?: AttributeOp | undefined;
  value?: string | undefined;
}

export const attributeFiltersInput = z
  .array(
    z
      .object({
        key: z.string().min(1).max(1024),
        op: z.enum(['eq', 'neq', 'exists']).default('eq'),
        value: z
          .string()
          .max(16 * 1024)
          .optional(),
      })
      .superRefine((f, ctx) => {
        if (f.op !== 'exists' && f.value === undefined)
          ctx.addIssue({ code: 'custom', path: ['value'], message: `a value is required with op "${f.op}"` });
      }),
  )
  .max(16);

export interface SpanFilterInput {
  service?: string | undefined;
  operation?: string | undefined;
  status?: 'unset' | 'ok' | 'error' | undefined;
  attributes?: AttributeFilter[] | undefined;
}

const statusCodes = { unset: 0, ok: 1, error: 2 } as const;

/** The key's value on the span, or on its resource (service.version, host.name, k8s.*) when the span has none. */
const hasKey = (k: string) =>
  `(mapContains(attributes, {${k}:String}) OR mapContains(resource_attributes, {${k}:String}))`;
const valueIs = (k: string, v: string) =>
  `((mapContains(attributes, {${k}:String}) AND attributes[{${k}:String}] = {${v}:String}) OR ` +
  `(mapContains(resource_attributes, {${k}:String}) AND resource_attributes[{${k}:String}] = {${v}:String}))`;

function attributeCondition(f: AttributeFilter, i: number): { sql: string; params: Record<string, string> } {
  const k = `attrKey${i}`;
  const v = `attrValue${i}`;
  const params = { [k]: f.key, [v]: f.value ?? '' };
  switch (f.op ?? 'eq') {
    case 'exists':
      return { sql: hasKey(k), params: { [k]: f.key } };
    case 'neq':
      return { sql: `(${hasKey(k)} AND NOT ${valueIs(k, v)})`, params };
    case 'eq':
      return { sql: valueIs(k, v), params };
  }
}

/** Adds the span conditions `q` sets to `filters`; returns how many it added. */
export function addSpanConditions(filters: SearchFilters, q: SpanFilterInput): number {
  let added = 0;
  const add = (sql: string, params: Record<string, unknown>) => {
    filters.add(sql, params);
    added++;
  };
  if (q.service !== undefined) add('service = {service:String}', { service: q.service });
  if (q.operation !== undefined) add('name = {operation:String}', { operation: q.operation });
  if (q.status !== undefined) add('status_code = {status:UInt8}', { status: statusCodes[q.status] });
  (q.attributes ?? []).forEach((f, i) => {
    const { sql, params } = attributeCondition(f, i);
    add(sql, params);
  });
  return added;
}

/** Milliseconds (possibly fractional) as a decimal count of nanoseconds, for a 64-bit integer parameter. */
export const nanosText = (ms: number): string => BigInt(Math.round(ms * 1e6)).toString();
