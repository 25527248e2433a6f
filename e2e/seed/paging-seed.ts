/**
 * A service with more instances and error groups than the service page shows at once, for the paging spec:
 * `ledger` with 120 instances (`ledger-000` … `ledger-119`, each known from one ERROR log record) and 60
 * error groups (one failed span each, `LedgerError` "entry 00" … "entry 59", a second apart, newest last).
 * The first pages hold 100 instances and 50 groups. Sent to the spec's own server.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
export const PAGING_INSTANCES = 120;
export const PAGING_GROUPS = 60;
export const pagingInstance = (i: number) => `ledger-${String(i).padStart(3, '0')}`;
export const pagingMessage = (g: number) => `entry ${String(g).padStart(2, '0')}`;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number) => (BigInt(Math.round(ms)) * 1_000_000n).toString();
const resource = (instance: string) => ({
  attributes: [str('service.name', 'ledger'), str('service.instance.id', instance)],
});

async function send(serverUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${serverUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`seeding ${path} failed: HTTP ${res.status} ${await res.text()}`);
}

export async function seedPaging(serverUrl: string, nowMs = Date.now()): Promise<void> {
  const base = nowMs - 10 * 60_000;
  await send(serverUrl, '/v1/logs', {
    resourceLogs: Array.from({ length: PAGING_INSTANCES }, (_, i) => ({
      resource: resource(pagingInstance(i)),
      scopeLogs: [
        {
          scope: { name: 'paging-seed' },
          logRecords: [
            {
              timeUnixNano: nanos(base + i * 1000),
              severityNumber: 17,
              severityText: 'ERROR',
              body: { stringValue: 'ledger write failed' },
            },
          ],
        },
      ],
    })),
  });
  await send(serverUrl, '/v1/traces', {
    resourceSpans: [
      {
        resource: resource(pagingInstance(0)),
        scopeSpans: [
          {
            scope: { name: 'paging-seed' },
            spans: Array.from({ length: PAGING_GROUPS }, (_, g) => ({
              traceId: `1ed9e7${g.toString(16).padStart(26, '0')}`,
              spanId: `1ed9e7${g.toString(16).padStart(10, '0')}`,
              parentSpanId: '',
              name: 'POST /entries',
              kind: 2,
              startTimeUnixNano: nanos(base + g * 1000),
              endTimeUnixNano: nanos(base + g * 1000 + 5),
              attributes: [str('http.route', '/entries'), str('http.request.method', 'POST')],
              events: [
                {
                  timeUnixNano: nanos(base + g * 1000 + 4),
                  name: 'exception',
                  attributes: [
                    str('exception.type', 'LedgerError'),
                    str('exception.message', pagingMessage(g)),
                  ],
                },
              ],
              status: { code: 2, message: pagingMessage(g) },
            })),
          },
        ],
      },
    ],
  });
}
