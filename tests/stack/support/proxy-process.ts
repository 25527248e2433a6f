import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpanKind, StatusCode, type TracesData } from '../../../packages/shared/src/model/index.ts';
import { encodeTracesProto } from '../../../packages/shared/src/otlp/index.ts';
import type { ApiClient } from '../../../apps/server/test/support/api-client.ts';
import { freePort } from '../../../apps/server/test/support/server-process.ts';
import { spawnNode, waitForAnswer } from '../../../packages/otlp-transport/src/testing/index.ts';

const binPath = fileURLToPath(new URL('../../../apps/proxy/bin/apo-proxy.js', import.meta.url));

export interface ProxyProcess {
  otlpHttpUrl: string;
  otlpGrpcPort: number;
  statusUrl: string;
  dataDir: string;
  ports: ProxyPorts;
  child: ChildProcess;
  output: () => string;
  /** Prometheus text of the proxy's /metrics. */
  metrics: () => Promise<string>;
  health: () => Promise<Record<string, unknown>>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  dispose: () => Promise<void>;
}

interface ProxyPorts {
  http: number;
  grpc: number;
  status: number;
}

export interface ProxyProcessOptions {
  exportUrl: string;
  clusterId?: string;
  /** The proxy's token toward the server. */
  token?: string;
  /** Comma-separated agent tokens (APO_PROXY_AGENT_TOKENS). */
  agentTokens?: string;
  dataDir?: string;
  env?: Record<string, string>;
  args?: string[];
  ports?: ProxyPorts;
}

/** A real `apo-proxy` process (through its bin) on free ports with its own data directory, or a given one. */
export async function startProxyProcess(opts: ProxyProcessOptions): Promise<ProxyProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'apo-proxy-test-')));
  const ports = opts.ports ?? { http: await freePort(), grpc: await freePort(), status: await freePort() };
  const proc = spawnNode([binPath, ...(opts.args ?? [])], {
    APO_PROXY_OTLP_HTTP_PORT: String(ports.http),
    APO_PROXY_OTLP_GRPC_PORT: String(ports.grpc),
    APO_PROXY_STATUS_PORT: String(ports.status),
    APO_PROXY_EXPORT_URL: opts.exportUrl,
    APO_PROXY_DATA_DIR: dataDir,
    APO_PROXY_LOG_LEVEL: 'warn',
    APO_PROXY_KUBERNETES: 'off',
    ...(opts.clusterId === undefined ? {} : { APO_PROXY_CLUSTER_ID: opts.clusterId }),
    ...(opts.token === undefined ? {} : { APO_PROXY_TOKEN: opts.token }),
    ...(opts.agentTokens === undefined ? {} : { APO_PROXY_AGENT_TOKENS: opts.agentTokens }),
    ...opts.env,
  });
  const statusUrl = `http://127.0.0.1:${ports.status}`;
  await waitForAnswer(`${statusUrl}/healthz`, proc, 'proxy', { accept: (res) => res.ok });
  const { child, stop } = proc;
  const output = () => proc.stdout() + proc.stderr();
  return {
    otlpHttpUrl: `http://127.0.0.1:${ports.http}`,
    otlpGrpcPort: ports.grpc,
    statusUrl,
    dataDir,
    ports,
    child,
    output,
    metrics: async () => (await fetch(`${statusUrl}/metrics`)).text(),
    health: async () => (await (await fetch(`${statusUrl}/healthz`)).json()) as Record<string, unknown>,
    stop,
    dispose: async () => {
      await stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// --- traffic and read-back helpers shared by the proxy stack tests ---

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Span id of span `i` of request `n` (unique across requests of one test). */
export const spanIdOf = (n: number, i: number, spansPerRequest: number): string =>
  hex(n * spansPerRequest + i + 1, 16);

/** Request n: `spans` spans of one trace of `service`, ids derived from n so they can be checked afterwards. */
export function numberedTraces(n: number, spans: number, service: string, nowNs: bigint): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'proxy-stack', version: '1', attributes: {}, droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: hex(n + 1, 32),
              spanId: spanIdOf(n, i, spans),
              traceState: '',
              parentSpanId: i === 0 ? '' : spanIdOf(n, 0, spans),
              flags: 1,
              name: i === 0 ? 'GET /relay' : 'SELECT relay',
              kind: i === 0 ? SpanKind.Server : SpanKind.Client,
              startTimeUnixNano: nowNs,
              endTimeUnixNano: nowNs + 5_000_000n,
              attributes: { 'http.route': '/relay' },
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

export function postTraces(
  url: string,
  data: TracesData,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    body: new Uint8Array(encodeTracesProto(data)),
  });
}

/** Every stored span of `service` in the last hour: span id → how many times it is stored, and its cluster. */
export async function storedSpans(
  api: ApiClient,
  service: string,
  cluster?: string,
): Promise<Map<string, { count: number; cluster: string }>> {
  const stored = new Map<string, { count: number; cluster: string }>();
  let cursor: string | undefined;
  do {
    const page = await api.traces.search.query({
      from: Date.now() - 3_600_000,
      to: Date.now() + 60_000,
      service,
      limit: 1000,
      ...(cluster === undefined ? {} : { cluster }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const span of page.items) {
      const seen = stored.get(span.spanId);
      stored.set(span.spanId, { count: (seen?.count ?? 0) + 1, cluster: span.cluster });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return stored;
}
