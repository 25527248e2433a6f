/**
 * Traces for the trace specs and the benchmark: a small shop checkout whose structure, self times,
 * critical path and failure are known (SHOP_SPANS), as OTLP/JSON, and generators of large traces
 * (deep and wide) as OTLP JSON or Jaeger JSON text, for files and for the server.
 *
 * Service names are the trace specs' own (`shop-*`): the shared server's overview specs count services.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
export const SHOP_TRACE_ID = '5eed0000000000000000000000000001';
const OTHER_TRACE_ID = '5eed0000000000000000000000000002';

export interface SeedSpan {
  id: string;
  parent: string;
  name: string;
  service: string;
  startMs: number;
  endMs: number;
  error?: boolean;
  attributes?: Record<string, string>;
  /** An exception event with this stack trace. */
  stack?: string;
}

/**
 * GET /checkout waits on get cart, then place order; place order runs reserve stock beside charge card,
 * which waits on INSERT payments — that insert failed and so did charge card (the error path). The
 * critical path: GET /checkout → place order → charge card → INSERT payments.
 * Self times (ms): GET /checkout 15, get cart 20, place order 20, reserve stock 15, charge card 45,
 * INSERT payments 15.
 */
export const SHOP_SPANS: readonly SeedSpan[] = [
  {
    id: '0000000000000a01',
    parent: '',
    name: 'GET /checkout',
    service: 'shop-web',
    startMs: 0,
    endMs: 120,
    error: true,
    attributes: { 'http.route': '/checkout', 'customer.tier': 'gold' },
  },
  {
    id: '0000000000000a02',
    parent: '0000000000000a01',
    name: 'get cart',
    service: 'shop-basket',
    startMs: 5,
    endMs: 25,
  },
  {
    id: '0000000000000a03',
    parent: '0000000000000a01',
    name: 'place order',
    service: 'shop-orders',
    startMs: 30,
    endMs: 115,
    error: true,
  },
  {
    id: '0000000000000a04',
    parent: '0000000000000a03',
    name: 'reserve stock',
    service: 'shop-stock',
    startMs: 35,
    endMs: 50,
  },
  {
    id: '0000000000000a05',
    parent: '0000000000000a03',
    name: 'charge card',
    service: 'shop-payments',
    startMs: 40,
    endMs: 100,
    error: true,
    stack: 'PaymentError: card declined\n    at charge (payments.ts:42:11)\n    at handle (server.ts:7:3)',
  },
  {
    id: '0000000000000a06',
    parent: '0000000000000a05',
    name: 'INSERT payments',
    service: 'shop-db',
    startMs: 45,
    endMs: 60,
    error: true,
    attributes: { 'db.system': 'postgresql' },
  },
];

const OTHER_SPANS: readonly SeedSpan[] = [
  {
    id: '0000000000000b01',
    parent: '',
    name: 'GET /checkout',
    service: 'shop-web',
    startMs: 0,
    endMs: 30,
    attributes: { 'http.route': '/checkout', 'customer.tier': 'silver' },
  },
  {
    id: '0000000000000b02',
    parent: '0000000000000b01',
    name: 'get cart',
    service: 'shop-basket',
    startMs: 2,
    endMs: 20,
  },
];

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const ns = (baseMs: number, ms: number) =>
  (BigInt(Math.round(baseMs * 1000)) * 1000n + BigInt(Math.round(ms * 1e6))).toString();

/** OTLP JSON (ExportTraceServiceRequest) of spans of one trace, one resource per service. */
export function otlpJson(traceId: string, spans: readonly SeedSpan[], baseMs: number) {
  const services = [...new Set(spans.map((s) => s.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: [str('service.name', service), str('service.instance.id', `${service}-1`)] },
      scopeSpans: [
        {
          scope: { name: 'shop-seed', version: '1' },
          spans: spans
            .filter((s) => s.service === service)
            .map((s) => ({
              traceId,
              spanId: s.id,
              parentSpanId: s.parent,
              name: s.name,
              kind: s.parent === '' ? 2 : 3,
              startTimeUnixNano: ns(baseMs, s.startMs),
              endTimeUnixNano: ns(baseMs, s.endMs),
              attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => str(k, v)),
              events:
                s.stack === undefined
                  ? []
                  : [
                      {
                        timeUnixNano: ns(baseMs, s.endMs - 1),
                        name: 'exception',
                        attributes: [
                          str('exception.type', 'PaymentError'),
                          str('exception.message', 'card declined'),
                          str('exception.stacktrace', s.stack),
                        ],
                      },
                    ],
              status: s.error === true ? { code: 2, message: 'failed' } : { code: 0 },
            })),
        },
      ],
    })),
  };
}

/** Jaeger JSON (`/api/traces/{id}` and the UI's download) of spans of one trace. */
export function jaegerJson(traceId: string, spans: readonly SeedSpan[], baseMs: number) {
  const services = [...new Set(spans.map((s) => s.service))];
  const pid = (service: string) => `p${services.indexOf(service) + 1}`;
  return {
    data: [
      {
        traceID: traceId,
        spans: spans.map((s) => ({
          traceID: traceId,
          spanID: s.id,
          operationName: s.name,
          references: s.parent === '' ? [] : [{ refType: 'CHILD_OF', traceID: traceId, spanID: s.parent }],
          startTime: Math.round((baseMs + s.startMs) * 1000),
          duration: Math.round((s.endMs - s.startMs) * 1000),
          tags: [
            ...Object.entries(s.attributes ?? {}).map(([key, value]) => ({ key, type: 'string', value })),
            ...(s.error === true ? [{ key: 'error', type: 'bool', value: true }] : []),
          ],
          logs: [],
          processID: pid(s.service),
          warnings: null,
        })),
        processes: Object.fromEntries(services.map((s) => [pid(s), { serviceName: s, tags: [] }])),
        warnings: null,
      },
    ],
  };
}

/** Sends the shop traces (5 minutes ago) to a running server. */
export async function seedTraces(serverUrl: string, nowMs = Date.now()): Promise<void> {
  for (const [id, spans] of [
    [SHOP_TRACE_ID, SHOP_SPANS],
    [OTHER_TRACE_ID, OTHER_SPANS],
  ] as const) {
    await postOtlp(serverUrl, otlpJson(id, spans, nowMs - 300_000));
  }
}

async function postOtlp(serverUrl: string, body: unknown): Promise<void> {
  const res = await fetch(`${serverUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`seeding traces failed: HTTP ${res.status} ${await res.text()}`);
}

/**
 * A generated trace of `n` spans, deep and wide: a chain of up to 1,000 spans, then each span's parent is
 * one of the last few spans or any earlier one. Deterministic for a given n.
 * Durations nest (a child ends before its parent), every 97th span failed.
 */
export function bigTraceSpans(n: number): SeedSpan[] {
  const spans: SeedSpan[] = [];
  // The first spans form one chain (depth), the rest hang off recent or random earlier spans (width).
  const deep = Math.min(1000, Math.floor(n / 10));
  const starts: number[] = [];
  const ends: number[] = [];
  let seed = 42;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    const id = (i + 1).toString(16).padStart(16, '0');
    let parent = -1;
    if (i > 0 && i < deep) parent = i - 1;
    else if (i > 0)
      parent = rand() < 0.7 ? Math.max(0, i - 1 - Math.floor(rand() * 3)) : Math.floor(rand() * i);
    const ps = parent === -1 ? 0 : (starts[parent] ?? 0);
    const pe = parent === -1 ? 60_000 : (ends[parent] ?? 1);
    const start = ps + (pe - ps) * rand() * 0.5;
    const end = start + (pe - start) * (0.2 + 0.7 * rand());
    starts.push(start);
    ends.push(end);
    spans.push({
      id,
      parent: parent === -1 ? '' : (spans[parent]?.id ?? ''),
      name: `op-${i % 50}`,
      service: `svc-${i % 12}`,
      startMs: start,
      endMs: end,
      error: i % 97 === 96,
    });
  }
  return spans;
}
