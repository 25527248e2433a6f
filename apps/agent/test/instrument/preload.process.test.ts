import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, StatusCode } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixtureEnv, ofPid, startFixture, waitForReady, type FixtureProcess } from './fixture-process.ts';
import {
  startTestOtlpReceiver,
  waitFor,
  type ReceivedSpan,
  type TestOtlpReceiver,
} from './otlp-test-receiver.ts';

// Real processes: fixture apps started with the preload export over OTLP/HTTP protobuf to a test-only
// receiver that stands in for the APO agent (being built separately) and decodes with @apo/shared.

// Each test polls with its own deadline (20 s); the runner's limit sits above it so a timeout names what
// it was waiting for. Every case starts a real Node process on a machine that may be busy.
vi.setConfig({ testTimeout: 60_000 });

let receiver: TestOtlpReceiver;
let dataDir: string;

beforeAll(async () => {
  receiver = await startTestOtlpReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'apo-preload-test-'));
});

afterAll(async () => {
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (extra?: Record<string, string>) =>
  fixtureEnv({ PATH: process.env.PATH, HOME: process.env.HOME }, receiver.url, extra);

function describeSpans(spans: ReceivedSpan[]): string {
  return spans
    .map((s) => `${s.span.traceId}/${s.span.spanId}<-${s.span.parentSpanId} ${s.scope} "${s.span.name}"`)
    .join('\n');
}

async function pgReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: 5432, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
const hasPg = await pgReachable();

interface OrderResponse {
  order: { id: number; item: string; qty: number };
  traceId: string;
  spanId: string;
}

describe.each<{ form: string; flag: '--import' | '--require'; script: string; env: Record<string, string> }>([
  {
    form: 'ESM app under --import (synchronous loader hooks)',
    flag: '--import',
    script: 'server.mts',
    env: {},
  },
  {
    form: 'ESM app under --import (asynchronous module.register loader)',
    flag: '--import',
    script: 'server.mts',
    env: { APO_INSTRUMENT_ESM_LOADER: 'async' },
  },
  {
    form: 'CommonJS app under --require',
    flag: '--require',
    script: 'server.cts',
    env: {},
  },
])('preload → test OTLP receiver standing in for the agent: $form', ({ flag, script, env: extraEnv }) => {
  let app: FixtureProcess;
  let ports: { expressPort: number; fastifyPort: number };
  let order: OrderResponse;
  const spansOfApp = () => receiver.spans().filter(ofPid(app.proc.pid));
  const traceSpans = (traceId: string) => spansOfApp().filter((s) => s.span.traceId === traceId);
  const spanIn = (traceId: string, what: string, match: (s: ReceivedSpan) => boolean) =>
    waitFor(what, () => traceSpans(traceId).find(match), {
      describe: () => `spans of the app:\n${describeSpans(spansOfApp())}\nstderr:\n${app.stderr()}`,
    });

  beforeAll(async () => {
    app = startFixture(flag, script, [join(dataDir, 'shop.db')], env(extraEnv));
    ports = (await waitForReady(app)) as unknown as typeof ports;
    const response = await fetch(`http://127.0.0.1:${ports.expressPort}/orders/1`);
    expect(response.status).toBe(200);
    order = (await response.json()) as OrderResponse;
  });

  afterAll(() => {
    app.kill();
  });

  it('the request ran with an active span (the app saw the instrumentation)', () => {
    expect(order.order).toEqual({ id: 1, item: 'widget', qty: 2 });
    expect(order.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(order.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('exports the express request as an HTTP server span with http.route', async () => {
    const server = await spanIn(
      order.traceId,
      'the HTTP server span of GET /orders/:id',
      (s) => s.span.kind === SpanKind.Server && s.span.attributes['http.route'] === '/orders/:id',
    );
    expect(server.span.name).toBe('GET /orders/:id');
    expect(server.span.parentSpanId).toBe('');
    expect(server.span.attributes['http.response.status_code']).toBe(200n);
    // express's own spans sit inside it
    await spanIn(
      order.traceId,
      'an express span',
      (s) => s.scope === '@opentelemetry/instrumentation-express',
    );
  });

  it('exports the fetch() call as a client span in the same trace, continued by the downstream server span', async () => {
    const client = await spanIn(
      order.traceId,
      'the fetch client span',
      (s) =>
        s.span.kind === SpanKind.Client &&
        (s.span.attributes['url.full'] as string | undefined)?.endsWith('/stock/1') === true,
    );
    expect(client.span.traceId).toBe(order.traceId);
    expect(client.span.attributes['http.request.method']).toBe('GET');
    const parent = traceSpans(order.traceId).find((s) => s.span.spanId === client.span.parentSpanId);
    expect(parent, 'the client span has a parent in the same trace').toBeDefined();
    const downstream = await spanIn(
      order.traceId,
      'the downstream server span of GET /stock/:id',
      (s) => s.span.kind === SpanKind.Server && s.span.attributes['http.route'] === '/stock/:id',
    );
    expect(downstream.span.parentSpanId).toBe(client.span.spanId);
  });

  it('exports the node:sqlite query as a database client span, child of the request handler span', async () => {
    const query = await spanIn(
      order.traceId,
      'the SELECT orders span',
      (s) => s.span.name === 'SELECT orders',
    );
    expect(query.span.kind).toBe(SpanKind.Client);
    expect(query.span.parentSpanId).toBe(order.spanId);
    expect(query.span.status.code).toBe(StatusCode.Unset);
    expect(query.span.attributes).toMatchObject({
      'db.system.name': 'sqlite',
      'db.namespace': 'shop.db',
      'db.query.text': 'SELECT id, item, qty FROM orders WHERE id = ?',
      'db.operation.name': 'SELECT',
      'db.collection.name': 'orders',
    });
  });

  it('writes trace_id/span_id of the active span into the pino record and sends the record over OTLP', async () => {
    const line = await waitFor('the pino line on stdout', () =>
      app.jsonLines().find((l) => l.msg === 'loading order'),
    );
    expect(line).toMatchObject({ trace_id: order.traceId, span_id: order.spanId, orderId: '1' });
    const received = await waitFor('the OTLP log record', () =>
      receiver
        .logs()
        .filter(ofPid(app.proc.pid))
        .find((l) => l.record.body === 'loading order'),
    );
    expect(received.scope).toBe('@opentelemetry/instrumentation-pino');
    expect(received.record.traceId).toBe(order.traceId);
    expect(received.record.spanId).toBe(order.spanId);
    expect(received.record.severityText).toBe('info');
  });

  it('writes trace_id/span_id into the winston record and sends the record over OTLP', async () => {
    const line = await waitFor('the winston line on stdout', () =>
      app.jsonLines().find((l) => l.message === 'order loaded'),
    );
    expect(line).toMatchObject({ trace_id: order.traceId, span_id: order.spanId, level: 'info' });
    const received = await waitFor('the OTLP log record', () =>
      receiver
        .logs()
        .filter(ofPid(app.proc.pid))
        .find((l) => l.record.body === 'order loaded'),
    );
    expect(received.scope).toBe('@opentelemetry/winston-transport');
    expect(received.record.traceId).toBe(order.traceId);
    expect(received.record.spanId).toBe(order.spanId);
  });

  it('exports runtime metrics: event-loop delay and utilisation, heap', async () => {
    const wanted = ['nodejs.eventloop.delay.p99', 'nodejs.eventloop.utilization', 'v8js.memory.heap.used'];
    const names = await waitFor(
      `metrics ${wanted.join(', ')}`,
      () => {
        const seen = new Set(
          receiver
            .metrics()
            .filter(ofPid(app.proc.pid))
            .map((m) => m.metric.name),
        );
        return wanted.every((name) => seen.has(name)) ? seen : undefined;
      },
      { describe: () => [...new Set(receiver.metrics().map((m) => m.metric.name))].join(', ') },
    );
    expect([...names]).toEqual(expect.arrayContaining(wanted));
  });

  it('names the service after the fixture package.json and adds the instance attributes', async () => {
    const [first] = await waitFor('any span of the app', () => {
      const spans = spansOfApp();
      return spans.length > 0 ? spans : undefined;
    });
    expect(first?.resource).toMatchObject({
      'service.name': 'apo-fixture-shop',
      'service.version': '1.2.3',
      'telemetry.distro.name': 'apo',
      'telemetry.sdk.language': 'nodejs',
      'host.name': hostname(),
      'process.pid': BigInt(app.proc.pid ?? -1),
    });
    expect(first?.resource['service.instance.id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('instruments fastify through @fastify/otel with no plugin in the app', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.fastifyPort}/items/7`);
    expect(await response.json()).toEqual({ id: '7' });
    const request = await waitFor('the @fastify/otel request span', () =>
      spansOfApp().find(
        (s) =>
          s.scope === '@fastify/otel' &&
          s.span.name === 'request' &&
          s.span.attributes['http.route'] === '/items/:id',
      ),
    );
    const server = await spanIn(
      request.span.traceId,
      'the HTTP server span around it',
      (s) => s.span.spanId === request.span.parentSpanId,
    );
    expect(server.span.kind).toBe(SpanKind.Server);
    expect(server.span.attributes['http.route']).toBe('/items/:id');
  });

  it('hooks pg even with no PostgreSQL server: the refused connect is an error span in the request trace', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.expressPort}/pg`, {
      headers: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` },
    });
    // With a server the route answers 200; without one the refused connection surfaces as a 500.
    expect([200, 500]).toContain(response.status);
    const connect = await spanIn(
      'ab'.repeat(16),
      'the pg connect span',
      (s) => s.scope === '@opentelemetry/instrumentation-pg',
    );
    expect(connect.span.kind).toBe(SpanKind.Client);
    if (response.status === 500) expect(connect.span.status.code).toBe(StatusCode.Error);
  });

  it.runIf(hasPg)(
    `exports a pg client span${hasPg ? '' : ' (skipped: no PostgreSQL server at 127.0.0.1:5432)'}`,
    async () => {
      const response = await fetch(`http://127.0.0.1:${ports.expressPort}/pg`);
      expect(response.status).toBe(200);
      const { traceId } = (await response.json()) as { traceId: string };
      const query = await spanIn(
        traceId,
        'the pg span',
        (s) => s.span.attributes['db.system.name'] === 'postgresql',
      );
      expect(query.span.kind).toBe(SpanKind.Client);
    },
  );
});
