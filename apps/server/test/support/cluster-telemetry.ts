/**
 * Telemetry of several clusters for the multi-cluster and Kubernetes tests: one request per signal with
 * a resource of the caller's choosing, sent the way a proxy sends (proxy token, `X-APO-Cluster-Id`).
 */
import { type PodMetadata } from '@apo/shared/kubernetes';
import { type Attributes, type LogsData, type MetricsData, type TracesData } from '@apo/shared/model';
import { encodeLogsProto, encodeMetricsProto, encodeTracesProto } from '@apo/shared/otlp';
import { hex } from './fixtures.ts';

function attributes(entries: Record<string, string | bigint>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

const scope = { name: 'cluster-test', version: '1', attributes: attributes({}), droppedAttributesCount: 0 };

/** A server span (with RED) and a database client span per resource, `atMs` since the epoch. */
export function spansOf(resource: Record<string, string>, atMs: number, traceId = hex(16)): TracesData {
  const start = BigInt(atMs) * 1_000_000n;
  const rootId = hex(8);
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes(resource), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope,
            schemaUrl: '',
            spans: [
              {
                traceId,
                spanId: rootId,
                traceState: '',
                parentSpanId: '',
                flags: 1,
                name: 'GET /orders',
                kind: 2,
                startTimeUnixNano: start,
                endTimeUnixNano: start + 20_000_000n,
                attributes: attributes({
                  'http.route': '/orders',
                  'http.request.method': 'GET',
                  'http.response.status_code': 200n,
                }),
                droppedAttributesCount: 0,
                events: [],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                status: { code: 0, message: '' },
              },
              {
                traceId,
                spanId: hex(8),
                traceState: '',
                parentSpanId: rootId,
                flags: 1,
                name: 'SELECT orders',
                kind: 3,
                startTimeUnixNano: start + 1_000_000n,
                endTimeUnixNano: start + 6_000_000n,
                attributes: attributes({
                  'db.system.name': 'postgresql',
                  'db.query.text': 'SELECT * FROM orders',
                }),
                droppedAttributesCount: 0,
                events: [],
                droppedEventsCount: 0,
                links: [],
                droppedLinksCount: 0,
                status: { code: 0, message: '' },
              },
            ],
          },
        ],
      },
    ],
  };
}

export function logsOf(
  resource: Record<string, string>,
  atMs: number,
  body: string,
  record: { attributes?: Record<string, string | bigint>; eventName?: string; severity?: number } = {},
): LogsData {
  const ts = BigInt(atMs) * 1_000_000n;
  return {
    resourceLogs: [
      {
        resource: { attributes: attributes(resource), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: ts,
                observedTimeUnixNano: ts,
                severityNumber: record.severity ?? 9,
                severityText: '',
                body,
                attributes: attributes(record.attributes ?? {}),
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName: record.eventName ?? '',
              },
            ],
          },
        ],
      },
    ],
  };
}

export function gaugeOf(
  resource: Record<string, string>,
  atMs: number,
  name: string,
  value: number,
): MetricsData {
  const ts = BigInt(atMs) * 1_000_000n;
  return {
    resourceMetrics: [
      {
        resource: { attributes: attributes(resource), droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope,
            schemaUrl: '',
            metrics: [
              {
                name,
                description: '',
                unit: '',
                metadata: attributes({}),
                data: {
                  type: 'gauge',
                  points: [
                    {
                      attributes: attributes({}),
                      startTimeUnixNano: 0n,
                      timeUnixNano: ts,
                      flags: 0,
                      value,
                      exemplars: [],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

export interface Sender {
  token?: string | undefined;
  cluster?: string | undefined;
}

async function send(
  url: string,
  body: Uint8Array,
  sender: Sender,
  method = 'POST',
  type = 'application/x-protobuf',
) {
  const res = await fetch(url, {
    method,
    headers: {
      'content-type': type,
      'x-apo-batch-id': hex(16),
      ...(sender.token === undefined ? {} : { authorization: `Bearer ${sender.token}` }),
      ...(sender.cluster === undefined ? {} : { 'x-apo-cluster-id': sender.cluster }),
    },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${text}`);
}

export const sendSpans = (httpUrl: string, data: TracesData, sender: Sender) =>
  send(`${httpUrl}/v1/traces`, encodeTracesProto(data), sender);
export const sendLogs = (httpUrl: string, data: LogsData, sender: Sender) =>
  send(`${httpUrl}/v1/logs`, encodeLogsProto(data), sender);
export const sendMetrics = (httpUrl: string, data: MetricsData, sender: Sender) =>
  send(`${httpUrl}/v1/metrics`, encodeMetricsProto(data), sender);

/** PUT /v1/kubernetes/pods as a proxy does; returns the answer. */
export async function putSnapshot(
  httpUrl: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; json: { message?: string; pods?: number; cluster?: string } }> {
  const res = await fetch(`${httpUrl}/v1/kubernetes/pods`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, json: (await res.json()) as { message?: string } };
}

export function podOf(p: Partial<PodMetadata> & Pick<PodMetadata, 'uid' | 'name'>): PodMetadata {
  return {
    namespace: 'shop',
    node: 'node-a',
    podIp: '',
    containerIds: [],
    workloadKind: 'Deployment',
    workloadName: 'checkout',
    ...p,
  };
}
