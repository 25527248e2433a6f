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

interface ScopeGroup<T> {
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
  const readScopes = (r: WireReader, end: number, ctx: DecodeContext) =>
    readScopeGroup(r, end, ctx, fields, readItem);
  const g = readContainer(r, end, ctx, readResource, 'resource', readScopes, fields.scopes);
  return { resource: g.head ?? emptyResource(), scopes: g.children, schemaUrl: g.schemaUrl };
}

function readScopeGroup<T>(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  fields: EnvelopeFields,
  readItem: ItemReader<T>,
): ScopeGroup<T> {
  const g = readContainer(r, end, ctx, readScope, 'scope', readItem, fields.items);
  return { scope: g.head ?? emptyScope(), items: g.children, schemaUrl: g.schemaUrl };
}

/**
 * ResourceX and ScopeX have one shape: 1 = the resource or scope (read with `readHead`; a repeated field
 * merges into what came before), 2 = repeated children, 3 = schema URL.
 */
function readContainer<H, C>(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  readHead: (r: WireReader, end: number, ctx: DecodeContext, previous: H | undefined) => H,
  headName: string,
  readChild: ItemReader<C>,
  childrenName: string,
): { head: H | undefined; children: C[]; schemaUrl: string } {
  let head: H | undefined;
  const children: C[] = [];
  let schemaUrl = '';
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 18) children.push(readChild(r, r.delimited(end), ctx));
      else if (tag === 10) head = readHead(r, r.delimited(end), ctx, head);
      else if (tag === 26) schemaUrl = r.string(end);
      else r.skipUnknown(tag, CONTAINER_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(
      error,
      field === 1
        ? headName
        : field === 2
          ? item(childrenName, children.length)
          : field === 3
            ? 'schemaUrl'
            : '',
    );
  }
  return { head, children, schemaUrl };
}
