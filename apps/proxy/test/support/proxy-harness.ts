/**
 * The proxy started in-process on ephemeral ports with its own data directory, in front of an upstream
 * stand-in, plus the OTLP bodies the tests send.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SpanKind, StatusCode, type TracesData } from '@apo/shared/model';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from '@apo/shared/otlp';
import { proxyConfigSchema, type ProxyConfig } from '../../src/config/proxy-config.ts';
import { startProxy, type RunningProxy } from '../../src/proxy.ts';
import { UpstreamStandIn } from './upstream-stand-in.ts';

export interface Harness {
  proxy: RunningProxy;
  upstream: UpstreamStandIn;
  config: ProxyConfig;
  httpUrl: string;
  statusUrl: string;
  /** Restarts the proxy on the same data directory (ports change). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

/** `raw` is the YAML-shaped configuration (as in docs/proxy.example.yaml), on top of test defaults. */
export async function startHarness(raw: Record<string, unknown> = {}): Promise<Harness> {
  const upstream = await new UpstreamStandIn().start();
  const dataDir = await mkdtemp(join(tmpdir(), 'apo-proxy-test-'));
  const config = proxyConfigSchema.parse({
    dataDir,
    clusterId: 'test-cluster',
    ...raw,
    export: { url: upstream.url, token: 'proxy-token', drainSeconds: 0, ...(raw.export as object) },
    logLevel: 'silent',
  });
  // Ephemeral ports: the schema only accepts real ports, the listeners take 0.
  config.receivers.httpPort = 0;
  config.receivers.grpcPort = 0;
  config.status.port = 0;
  const log = pino({ level: 'silent' });
  const start = () => startProxy(config, log, { version: 'test', startedAt: Date.now() });
  const harness: Harness = {
    proxy: await start(),
    upstream,
    config,
    httpUrl: '',
    statusUrl: '',
    restart: async () => {
      await harness.proxy.close();
      harness.proxy = await start();
      setUrls();
    },
    dispose: async () => {
      await harness.proxy.close();
      await upstream.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  const setUrls = () => {
    harness.httpUrl = `http://127.0.0.1:${harness.proxy.otlpHttpPort}`;
    harness.statusUrl = `http://127.0.0.1:${harness.proxy.statusPort}`;
  };
  setUrls();
  return harness;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `spans` spans of one trace numbered from `first` (ids derived from the numbers). */
function traces(first: number, spans: number): TracesData {
  const nowNs = 1_750_000_000_000_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': 'proxy-test' }, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'test', version: '1', attributes: {}, droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: hex(first + 1, 32),
              spanId: hex(first + i + 1, 16),
              traceState: '',
              parentSpanId: '',
              flags: 1,
              name: 'GET /test',
              kind: SpanKind.Server,
              startTimeUnixNano: nowNs,
              endTimeUnixNano: nowNs + 1_000_000n,
              attributes: { 'http.route': '/test' },
              droppedAttributesCount: 0,
              events: [],
              droppedEventsCount: 0,
              links: [],
              droppedLinksCount: 0,
              status: { code: StatusCode.Unset, message: '' },
            })),
          },
        ],
      },
    ],
  };
}

export const tracesBody = (first: number, spans: number): Uint8Array =>
  encodeTracesProto(traces(first, spans));

export function logsBody(records: number): Uint8Array {
  return encodeLogsProto({
    resourceLogs: [
      {
        resource: { attributes: { 'service.name': 'proxy-test' }, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 'test', version: '1', attributes: {}, droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: Array.from({ length: records }, (_, i) => ({
              timeUnixNano: 1_750_000_000_000_000_000n + BigInt(i),
              observedTimeUnixNano: 0n,
              severityNumber: 9,
              severityText: 'INFO',
              body: `line ${i}`,
              attributes: {},
              droppedAttributesCount: 0,
              flags: 0,
              traceId: '',
              spanId: '',
              eventName: '',
            })),
          },
        ],
      },
    ],
  });
}

export function metricsBody(points: number): Uint8Array {
  return encodeMetricsProto({
    resourceMetrics: [
      {
        resource: { attributes: { 'service.name': 'proxy-test' }, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: 'test', version: '1', attributes: {}, droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: [
              {
                name: 'test.gauge',
                description: '',
                unit: '1',
                metadata: {},
                data: {
                  type: 'gauge',
                  points: Array.from({ length: points }, (_, i) => ({
                    attributes: { i: BigInt(i) },
                    startTimeUnixNano: 0n,
                    timeUnixNano: 1_750_000_000_000_000_000n,
                    flags: 0,
                    value: i,
                    exemplars: [],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

/** POSTs an OTLP body to the proxy. */
export function post(
  url: string,
  signal: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/v1/${signal}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body: Buffer.from(body),
  });
}

/** Polls until `check` returns true (generous deadline: the machine is shared). */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One sample of Prometheus text, 0 when absent. */
export function sample(text: string, series: string): number {
  for (const line of text.split('\n'))
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  return 0;
}
