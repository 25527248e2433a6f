import { randomBytes } from 'node:crypto';
import type { Attributes, Span, TracesData } from '@apo/shared';

function attrs(entries: Record<string, string | bigint | number | boolean>): Attributes {
  const out = Object.create(null) as Attributes;
  Object.assign(out, entries);
  return out;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** A request of `count` spans of one service, each in its own trace unless a trace id is given. */
export function tracesRequest(
  service: string,
  count: number,
  opts: { traceId?: string; attributes?: Attributes; startNs?: bigint } = {},
): TracesData {
  const start = opts.startNs ?? BigInt(Date.now()) * 1_000_000n;
  const spans: Span[] = Array.from({ length: count }, (_, i) => ({
    traceId: opts.traceId ?? hex(16),
    spanId: hex(8),
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: `op-${i % 5}`,
    kind: 2,
    startTimeUnixNano: start + BigInt(i) * 1000n,
    endTimeUnixNano: start + BigInt(i) * 1000n + 5_000_000n,
    attributes:
      opts.attributes ??
      attrs({ 'http.route': `/r/${i % 5}`, 'http.response.status_code': 200n, i: BigInt(i) }),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  }));
  return {
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': service }), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'fixture', version: '1', attributes: attrs({}), droppedAttributesCount: 0 },
            schemaUrl: '',
            spans,
          },
        ],
      },
    ],
  };
}

export function manyAttributes(n: number): Attributes {
  const out = Object.create(null) as Attributes;
  for (let i = 0; i < n; i++) out[`attr.${i}`] = `value-${i}`;
  return out;
}
