/**
 * Traces for the trace analytics spec: 60 checkout traces, one every 15 s over the last 20 minutes, with
 * three seeded problems whose culprits the analytics must name first:
 * - slow (i % 6 = 3, 10 traces): `inventory: SELECT stock` takes 800 ms, read from `db.replica=replica-3`
 *   (the others read replica-1 in 20 ms) — traces of 865 ms against 85 ms;
 * - deadlock (i % 6 = 1, 10 traces): `payments-db: INSERT payment` fails with a DeadlockError and the failure
 *   climbs through payments, checkout and web;
 * - validation (i % 12 = 5, 5 traces): `checkout: place order` itself fails with a ValidationError;
 * every failed trace runs `app.version=5.2.0`, as do two healthy ones (i = 0, 30); the rest 5.1.0.
 *
 * Sent to the spec's own server: nothing here changes what the other specs count.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
const ANALYTICS_TRACES = 60;
const isSlow = (i: number) => i % 6 === 3;
const isDeadlock = (i: number) => i % 6 === 1;
const isInvalid = (i: number) => i % 12 === 5;
const isFailed = (i: number) => isDeadlock(i) || isInvalid(i);
export const analyticsTraceId = (i: number) => `a11a${i.toString(16).padStart(28, '0')}`;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();

interface SeedSpan {
  n: number;
  parent: number;
  service: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes?: Record<string, string>;
  /** Failed; with an exception event of this type when it is a string. */
  error?: true | string;
}

function traceSpans(i: number): SeedSpan[] {
  const inventoryMs = isSlow(i) ? 800 : 20;
  const charge = 10 + inventoryMs + 5;
  const end = charge + 45;
  const fail = <T>(when: boolean, what: T) => (when ? { error: what } : {});
  return [
    {
      n: 1,
      parent: 0,
      service: 'web',
      name: 'GET /checkout',
      startMs: 0,
      endMs: end + 5,
      attributes: {
        'http.route': '/checkout',
        'customer.tier': i % 4 < 2 ? 'gold' : 'silver',
        'app.version': isFailed(i) || i === 0 || i === 30 ? '5.2.0' : '5.1.0',
      },
      ...fail(isFailed(i), true as const),
    },
    {
      n: 2,
      parent: 1,
      service: 'checkout',
      name: 'place order',
      startMs: 5,
      endMs: end,
      ...fail(isFailed(i), isInvalid(i) ? 'ValidationError' : (true as const)),
    },
    {
      n: 3,
      parent: 2,
      service: 'inventory',
      name: 'SELECT stock',
      startMs: 10,
      endMs: 10 + inventoryMs,
      attributes: { 'db.system': 'postgresql', 'db.replica': isSlow(i) ? 'replica-3' : 'replica-1' },
    },
    {
      n: 4,
      parent: 2,
      service: 'payments',
      name: 'charge',
      startMs: charge,
      endMs: charge + 40,
      ...fail(isDeadlock(i), true as const),
    },
    {
      n: 5,
      parent: 4,
      service: 'payments-db',
      name: 'INSERT payment',
      startMs: charge + 5,
      endMs: charge + 15,
      attributes: { 'db.system': 'postgresql' },
      ...fail(isDeadlock(i), 'DeadlockError'),
    },
  ];
}

/** The start of trace i, ms since the epoch. */
const analyticsTraceStart = (nowMs: number, i: number) => nowMs - 20 * 60_000 + i * 15_000;

function otlpOf(nowMs: number) {
  const spans = Array.from({ length: ANALYTICS_TRACES }, (_, i) =>
    traceSpans(i).map((s) => ({ i, base: analyticsTraceStart(nowMs, i), s })),
  ).flat();
  const services = [...new Set(spans.map((x) => x.s.service))];
  const spanId = (i: number, n: number) => `${i.toString(16).padStart(14, '0')}0${n}`;
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: [str('service.name', service), str('service.instance.id', `${service}-1`)] },
      scopeSpans: [
        {
          scope: { name: 'analytics-seed', version: '1' },
          spans: spans
            .filter((x) => x.s.service === service)
            .map(({ i, base, s }) => ({
              traceId: analyticsTraceId(i),
              spanId: spanId(i, s.n),
              parentSpanId: s.parent === 0 ? '' : spanId(i, s.parent),
              name: s.name,
              kind: s.parent === 0 ? 2 : 3,
              startTimeUnixNano: nanos(base + s.startMs),
              endTimeUnixNano: nanos(base + s.endMs),
              attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => str(k, v)),
              events:
                typeof s.error === 'string'
                  ? [
                      {
                        timeUnixNano: nanos(base + s.endMs - 1),
                        name: 'exception',
                        attributes: [str('exception.type', s.error), str('exception.message', 'failed')],
                      },
                    ]
                  : [],
              status: s.error === undefined ? { code: 0 } : { code: 2, message: 'failed' },
            })),
        },
      ],
    })),
  };
}

/** Sends the 60 traces to a running server. */
export async function seedAnalytics(serverUrl: string, nowMs = Date.now()): Promise<void> {
  const res = await fetch(`${serverUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(otlpOf(nowMs)),
  });
  if (!res.ok) throw new Error(`seeding traces failed: HTTP ${res.status} ${await res.text()}`);
}
