/**
 * The Jaeger query API over a real server process (auth on, real chDB): spans made by the OpenTelemetry JS
 * SDK and sent with its OTLP exporter are read back in Jaeger's JSON model — ids, references, process tags,
 * µs times, tags and logs against what the SDK sent — found by Jaeger's search parameters, and every bad
 * request and missing credential is answered in Jaeger's error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { exportWith, makeSpans, sdkServerSpans } from './support/otel-sdk.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const ADMIN_TOKEN = 'admin-token-jaeger-0123456789';
const SERVICE = 'jaeger-shop';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

const ns = (t: HrTime) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
const micros = (t: HrTime) => Number(ns(t) / 1000n);

interface KeyValue {
  key: string;
  type: string;
  value: unknown;
}
interface JaegerSpan {
  spanID: string;
  traceID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  flags: number;
  tags: KeyValue[];
  logs: { timestamp: number; fields: KeyValue[] }[];
  processID: string;
  warnings: string[] | null;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: KeyValue[] }>;
  warnings: string[] | null;
}
interface Envelope<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: { code?: number; msg: string; traceID?: string }[] | null;
}

let server: ServerProcess;
let sdkTrace: ReadableSpan[];
let slowTrace: ReadableSpan[];

async function get<T>(path: string, headers: Record<string, string> = auth) {
  const res = await fetch(`${server.httpUrl}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as Envelope<T> };
}

const str = (key: string, value: string): KeyValue => ({ key, type: 'string', value });
const SCOPE_TAGS = [str('otel.scope.name', 'apo-test'), str('otel.scope.version', '0.0.1')];

beforeAll(async () => {
  server = await startServerProcess({ env: { APO_AUTH: 'on', APO_ADMIN_TOKEN: ADMIN_TOKEN } });
  // The slow trace first: it starts 500 ms before the SDK trace, so the search lists it second.
  slowTrace = sdkServerSpans(SERVICE, { method: 'GET', route: '/health' }, [{ durationMs: 500 }], Date.now());
  sdkTrace = makeSpans(SERVICE);
  for (const spans of [sdkTrace, slowTrace]) {
    await exportWith(new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces`, headers: auth }), spans);
  }
});
afterAll(async () => {
  await server.dispose();
});

describe('the Jaeger query API reads what the OpenTelemetry SDK sent', () => {
  it('lists the service, and its operations with their span kinds', async () => {
    expect(await get('/api/services')).toEqual({
      status: 200,
      body: { data: [SERVICE], total: 1, limit: 0, offset: 0, errors: null },
    });
    const legacy = await get<string[]>(`/api/services/${SERVICE}/operations`);
    expect(legacy.body).toEqual({
      data: ['GET /health', 'GET /orders/:id', 'SELECT orders', 'render'],
      total: 4,
      limit: 0,
      offset: 0,
      errors: null,
    });
    const servers = await get(`/api/operations?service=${SERVICE}&spanKind=server`);
    expect(servers.body.data).toEqual([
      { name: 'GET /health', spanKind: 'server' },
      { name: 'GET /orders/:id', spanKind: 'server' },
    ]);
    const all = await get(`/api/operations?service=${SERVICE}`);
    expect(all.body.data).toEqual([
      { name: 'GET /health', spanKind: 'server' },
      { name: 'GET /orders/:id', spanKind: 'server' },
      { name: 'SELECT orders', spanKind: 'client' },
      { name: 'render', spanKind: 'internal' },
    ]);
  });

  it('returns the trace by id with ids, references, µs times, tags, logs and the process as sent', async () => {
    const traceId = sdkTrace[0]!.spanContext().traceId;
    const { status, body } = await get<JaegerTrace[]>(`/api/traces/${traceId}`);
    expect(status).toBe(200);
    expect(body.errors).toBeNull();
    expect(body.data).toHaveLength(1);
    const trace = body.data[0]!;
    expect(trace.traceID).toBe(traceId);
    expect(trace.warnings).toBeNull();
    expect(trace.processes).toEqual({
      p1: {
        serviceName: SERVICE,
        tags: [
          str('service.version', '1.2.3'),
          str('service.instance.id', `${SERVICE}-1`),
          str('host.name', 'test-host'),
          str('deployment.environment.name', 'test'),
        ],
      },
    });
    const byName = (name: string) => {
      const sent = sdkTrace.find((s) => s.name === name)!;
      const got = trace.spans.find((s) => s.spanID === sent.spanContext().spanId);
      expect(got, name).toBeDefined();
      expect(got).toMatchObject({
        traceID: traceId,
        operationName: name,
        startTime: micros(sent.startTime),
        duration: Number((ns(sent.endTime) - ns(sent.startTime)) / 1000n),
        flags: 1,
        processID: 'p1',
        warnings: null,
      });
      return { sent, got: got! };
    };

    const root = byName('GET /orders/:id');
    const link = root.sent.links[0]!.context;
    expect(root.got.references).toEqual([
      { refType: 'FOLLOWS_FROM', traceID: link.traceId, spanID: link.spanId },
    ]);
    expect(root.got.tags).toEqual([
      str('http.request.method', 'GET'),
      str('http.route', '/orders/:id'),
      str('http.response.status_code', '500'),
      str('url.path', '/orders/42'),
      str('user.premium', 'true'),
      str('cart.total', '12.5'),
      str('cart.items', '["a","b"]'),
      ...SCOPE_TAGS,
      str('span.kind', 'server'),
      str('otel.status_code', 'ERROR'),
      { key: 'error', type: 'bool', value: true },
    ]);
    expect(root.got.logs).toEqual([]);

    const client = byName('SELECT orders');
    expect(client.got.references).toEqual([
      { refType: 'CHILD_OF', traceID: traceId, spanID: root.got.spanID },
    ]);
    expect(client.got.tags).toEqual([
      str('db.system.name', 'postgresql'),
      str('server.address', 'db'),
      str('server.port', '5432'),
      ...SCOPE_TAGS,
      str('span.kind', 'client'),
      str('otel.status_code', 'ERROR'),
      str('otel.status_description', 'connection reset'),
      { key: 'error', type: 'bool', value: true },
    ]);
    expect(client.got.logs).toEqual([
      {
        timestamp: micros(client.sent.events[0]!.time),
        fields: [str('event', 'query.retry'), str('attempt', '2')],
      },
    ]);

    const internal = byName('render');
    expect(internal.got.references).toEqual([
      { refType: 'CHILD_OF', traceID: traceId, spanID: root.got.spanID },
    ]);
    expect(internal.got.tags).toEqual([...SCOPE_TAGS, str('span.kind', 'internal')]);
    const exception = internal.sent.events[0]!;
    expect(internal.got.logs).toEqual([
      {
        timestamp: micros(exception.time),
        fields: [
          str('event', 'exception'),
          ...Object.entries(exception.attributes ?? {}).map(([k, v]) => str(k, String(v))),
        ],
      },
    ]);
    expect(internal.got.logs[0]!.fields.map((f) => f.key)).toEqual([
      'event',
      'exception.type',
      'exception.message',
      'exception.stacktrace',
    ]);
    expect(internal.got.logs[0]!.fields[2]).toEqual(str('exception.message', 'template missing'));
  });

  it('finds traces by service, operation, tags, durations and lookback, the latest first', async () => {
    const ordersTrace = sdkTrace[0]!.spanContext().traceId;
    const healthTrace = slowTrace[0]!.spanContext().traceId;
    const ids = async (query: string) => {
      const { status, body } = await get<JaegerTrace[]>(`/api/traces?service=${SERVICE}&${query}`);
      expect(status, query).toBe(200);
      return body.data.map((t) => t.traceID);
    };
    expect(await ids('lookback=1h&limit=20')).toEqual([ordersTrace, healthTrace]);
    expect(await ids('lookback=1h&limit=1')).toEqual([ordersTrace]);
    expect(await ids(`operation=${encodeURIComponent('GET /health')}&lookback=1h`)).toEqual([healthTrace]);
    const tags = (t: Record<string, string>) => `tags=${encodeURIComponent(JSON.stringify(t))}&lookback=2d`;
    expect(await ids(tags({ 'db.system.name': 'postgresql' }))).toEqual([ordersTrace]);
    expect(await ids(tags({ 'db.system.name': 'mysql' }))).toEqual([]);
    expect(await ids(tags({ 'service.instance.id': `${SERVICE}-1`, 'http.route': '/health' }))).toEqual([
      healthTrace,
    ]);
    expect(await ids(tags({ error: 'true' }))).toEqual([ordersTrace]);
    expect(await ids(tags({ 'span.kind': 'client' }))).toEqual([ordersTrace]);
    expect(await ids('tag=http.route:/orders/:id&lookback=1h')).toEqual([ordersTrace]);
    expect(await ids('minDuration=400ms&lookback=1h')).toEqual([healthTrace]);
    expect(await ids('maxDuration=400ms&lookback=1h')).toEqual([ordersTrace]);
    // The UI's own window: start and end in µs around the spans; a window before them finds nothing.
    const nowUs = Date.now() * 1000;
    expect(await ids(`start=${nowUs - 3_600_000_000}&end=${nowUs}&lookback=custom`)).toEqual([
      ordersTrace,
      healthTrace,
    ]);
    expect(await ids(`start=${nowUs - 7_200_000_000}&end=${nowUs - 3_600_000_000}`)).toEqual([]);

    const found = await get<JaegerTrace[]>(`/api/traces?service=${SERVICE}&operation=render&lookback=1h`);
    // A match brings its whole trace, not the matching span only.
    expect(found.body.data[0]!.spans.map((s) => s.operationName).sort()).toEqual([
      'GET /orders/:id',
      'SELECT orders',
      'render',
    ]);
    expect(found.body).toMatchObject({ total: 0, limit: 0, offset: 0, errors: null });
  });

  it('reads traces by traceID, naming the ones not stored', async () => {
    const ordersTrace = sdkTrace[0]!.spanContext().traceId;
    const missing = 'f'.repeat(32);
    const { status, body } = await get<JaegerTrace[]>(
      `/api/traces?traceID=${ordersTrace.toUpperCase()}&traceID=${missing}`,
    );
    expect(status).toBe(200);
    expect(body.data.map((t) => [t.traceID, t.spans.length])).toEqual([[ordersTrace, 3]]);
    expect(body.errors).toEqual([{ msg: 'trace not found', traceID: missing }]);
  });
});

describe('the Jaeger query API refuses what it cannot answer, in Jaeger error shape', () => {
  const failure = (code: number, msg: string) => ({
    status: code,
    body: { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] },
  });

  it('400 naming the parameter for bad ids, durations, tags, lookback, kinds and a missing service', async () => {
    expect(await get('/api/traces/not-a-trace-id')).toEqual(
      failure(
        400,
        `unable to parse param 'traceID': "not-a-trace-id" is not a trace id (1 to 32 hex digits)`,
      ),
    );
    expect(await get(`/api/traces?service=${SERVICE}&minDuration=fast`)).toEqual(
      failure(
        400,
        `unable to parse param 'minDuration': "fast" is not a duration: a number and a unit (ns, us, ms, s, m, h), e.g. "1.2s" or "1h30m"`,
      ),
    );
    const badTags = await get(`/api/traces?service=${SERVICE}&tags=${encodeURIComponent('{"a":1}')}`);
    expect(badTags).toEqual(failure(400, `unable to parse param 'tags': the value of "a" must be a string`));
    const badLookback = await get(`/api/traces?service=${SERVICE}&lookback=forever`);
    expect(badLookback.status).toBe(400);
    expect(badLookback.body.errors?.[0]?.msg).toMatch(
      /^unable to parse param 'lookback': "forever" is not a lookback/,
    );
    expect(await get('/api/traces?lookback=1h')).toEqual(
      failure(400, "unable to parse param 'service': parameter 'service' is required"),
    );
    expect(await get('/api/operations')).toEqual(
      failure(400, "unable to parse param 'service': parameter 'service' is required"),
    );
    expect((await get(`/api/operations?service=${SERVICE}&spanKind=sideways`)).status).toBe(400);
    expect((await get(`/api/traces?service=${SERVICE}&limit=5000`)).body.errors?.[0]?.msg).toBe(
      `unable to parse param 'limit': must be a whole number from 1 to 1000, got "5000"`,
    );
  });

  it('404 for a trace not stored', async () => {
    const id = 'a'.repeat(32);
    expect(await get(`/api/traces/${id}`)).toEqual(failure(404, `trace ${id} not found`));
  });

  it('401 without a credential or with a wrong one, as the other read APIs', async () => {
    for (const path of [
      '/api/services',
      `/api/services/${SERVICE}/operations`,
      '/api/traces?service=x',
      '/api/traces/ab',
    ]) {
      const anonymous = await get(path, {});
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.body.errors?.[0]?.msg, path).toMatch(
        /^the Jaeger query API needs a signed-in caller: /,
      );
      expect(anonymous.body.data).toBeNull();
    }
    const wrong = await get('/api/services', { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]?.msg).toMatch(/^the credential is unknown, expired or revoked/);
  });
});
