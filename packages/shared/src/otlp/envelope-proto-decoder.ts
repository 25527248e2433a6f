/**
 * The envelope every OTLP signal shares, read once for all three decoders:
 *   XData { 1 repeated ResourceX resource_x }
 *   ResourceX { 1 Resource resource, 2 repeated ScopeX scope_x, 3 string schema_url }
 *   ScopeX { 1 InstrumentationScope scope, 2 repeated X x, 3 string schema_url }
 * Each signal passes the reader of its items (span, log record, metric) and the field names its error
 * messages use, then gives the groups its model's names.
 */
import type { InstrumentationScope, Resource } from '../model/telemetry.ts';
import { emptyResource, emptyScope, readResource, readScope } from './common-proto-decoder.ts';
import { item, within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Delimited } = WireType;
const TOP_WIRE = wireTable({ 1: Delimited });
const CONTAINER_WIRE = wireTable({ 1: Delimited, 2: Delimited, 3: Delimited });

/** The JSON names of the three repeated fields, e.g. `resourceSpans`, `scopeSpans`, `spans`. */
export interface EnvelopeFields {
  resources: string;
  scopes: string;
  items: string;
}

export interface ScopeGroup<T> {
  scope: InstrumentationScope;
  items: T[];
  schemaUrl: string;
}

export interface ResourceGroup<T> {
  resource: Resource;
  scopes: ScopeGroup<T>[];
  schemaUrl: string;
}

export type ItemReader<T> = (r: WireReader, end: number, ctx: DecodeContext) => T;

export function readEnvelope<T>(
  r: WireReader,
  ctx: DecodeContext,
  fields: EnvelopeFields,
  readItem: ItemReader<T>,
): ResourceGroup<T>[] {
  const end = r.length;
  const resources: ResourceGroup<T>[] = [];
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 10) resources.push(readResourceGroup(r, r.delimited(end), ctx, fields, readItem));
      else r.skipUnknown(tag, TOP_WIRE, end);
    }
  } catch (error) {
    throw within(error, field === 1 ? item(fields.resources, resources.length) : '');
  }
  return resources;
}

function readResourceGroup<T>(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  fields: EnvelopeFields,
  readItem: ItemReader<T>,
): ResourceGroup<T> {
  let resource: Resource | undefined;
  const scopes: ScopeGroup<T>[] = [];
  let schemaUrl = '';
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 18) scopes.push(readScopeGroup(r, r.delimited(end), ctx, fields, readItem));
      else if (tag === 10) resource = readResource(r, r.delimited(end), ctx, resource);
      else if (tag === 26) schemaUrl = r.string(end);
      else r.skipUnknown(tag, CONTAINER_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, containerField(field, 'resource', fields.scopes, scopes.length));
  }
  return { resource: resource ?? emptyResource(), scopes, schemaUrl };
}

function readScopeGroup<T>(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  fields: EnvelopeFields,
  readItem: ItemReader<T>,
): ScopeGroup<T> {
  let scope: InstrumentationScope | undefined;
  const items: T[] = [];
  let schemaUrl = '';
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 18) items.push(readItem(r, r.delimited(end), ctx));
      else if (tag === 10) scope = readScope(r, r.delimited(end), ctx, scope);
      else if (tag === 26) schemaUrl = r.string(end);
      else r.skipUnknown(tag, CONTAINER_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, containerField(field, 'scope', fields.items, items.length));
  }
  return { scope: scope ?? emptyScope(), items, schemaUrl };
}

/** Where in a resource or scope group a failure happened, for its message. */
function containerField(field: number, head: string, list: string, read: number): string {
  return field === 1 ? head : field === 2 ? item(list, read) : field === 3 ? 'schemaUrl' : '';
}
