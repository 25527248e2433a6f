import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  type Attributes,
  type LogRecord,
  type LogsData,
  type Metric,
  type MetricsData,
  type Span,
  type TracesData,
} from '@apo/shared/model';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from '@apo/shared/otlp';

/**
 * A test-only OTLP/HTTP protobuf receiver standing in for the APO agent's (being built separately): it
 * decodes what the preload exports with the project's own codec and keeps it for assertions. It is not
 * the agent and does none of its processing.
 */
export interface ReceivedSpan {
  resource: Attributes;
  scope: string;
  span: Span;
}

interface ReceivedLog {
  resource: Attributes;
  scope: string;
  record: LogRecord;
}

interface ReceivedMetric {
  resource: Attributes;
  scope: string;
  metric: Metric;
}

export interface TestOtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans(): ReceivedSpan[];
  logs(): ReceivedLog[];
  metrics(): ReceivedMetric[];
  /** Bodies that failed to decode: a non-empty list is a bug in the exporter or in our codec. */
  errors(): string[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

export async function startTestOtlpReceiver(): Promise<TestOtlpReceiver> {
  const traces: TracesData[] = [];
  const metrics: MetricsData[] = [];
  const logs: LogsData[] = [];
  const errors: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const path = req.url ?? '';
    const decoded =
      path === '/v1/traces'
        ? decodeTracesProto(body)
        : path === '/v1/metrics'
          ? decodeMetricsProto(body)
          : path === '/v1/logs'
            ? decodeLogsProto(body)
            : undefined;
    if (decoded === undefined) {
      res.writeHead(404).end();
      return;
    }
    if (!decoded.ok) {
      errors.push(`${path}: ${decoded.error.message}`);
      res.writeHead(400).end(decoded.error.message);
      return;
    }
    if (path === '/v1/traces') traces.push(decoded.value as TracesData);
    else if (path === '/v1/metrics') metrics.push(decoded.value as MetricsData);
    else logs.push(decoded.value as LogsData);
    // An empty Export*ServiceResponse: full success.
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      errors.push(String(err));
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    spans: () =>
      traces.flatMap((data) =>
        data.resourceSpans.flatMap((rs) =>
          rs.scopeSpans.flatMap((ss) =>
            ss.spans.map((span) => ({ resource: rs.resource.attributes, scope: ss.scope.name, span })),
          ),
        ),
      ),
    logs: () =>
      logs.flatMap((data) =>
        data.resourceLogs.flatMap((rl) =>
          rl.scopeLogs.flatMap((sl) =>
            sl.logRecords.map((record) => ({
              resource: rl.resource.attributes,
              scope: sl.scope.name,
              record,
            })),
          ),
        ),
      ),
    metrics: () =>
      metrics.flatMap((data) =>
        data.resourceMetrics.flatMap((rm) =>
          rm.scopeMetrics.flatMap((sm) =>
            sm.metrics.map((metric) => ({ resource: rm.resource.attributes, scope: sm.scope.name, metric })),
          ),
        ),
      ),
    errors: () => [...errors],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Polls until `probe` returns a value (not undefined), or fails with `what` and the last state. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  options: { timeoutMs?: number; describe?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${options.describe ? `\n${options.describe()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
