/**
 * Telemetry with known RED figures: the requests (durations and outcomes) that otel-sdk.ts turns into
 * spans of the real OpenTelemetry SDK, the same as spans of the shared model, RED metrics as an agent sends
 * them (the shared aggregator's output), and the figures each should produce — computed here from the
 * bucket bounds, independently of the aggregator.
 */
import { randomBytes } from 'node:crypto';
import { SpanKind as Kind } from '@apo/shared/model';
import { createRedAggregator, RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT } from '@apo/shared/red';
import type { AnyValue, Attributes, MetricsData, ResourceSpans, Span, TracesData } from '@apo/shared/model';
import type { RedFigures } from '@apo/shared/red';

const MS = 1_000_000n;

/** One request: how long it took, and whether it failed (by status ERROR or by an HTTP 5xx). */
export interface KnownRequest {
  durationMs: number;
  /** Status ERROR. */
  error?: boolean;
  /** An HTTP response status; ≥ 500 fails a server span although its status is unset. */
  httpStatus?: number;
}

/** The bucket of a duration: the first bound it does not exceed, else the overflow bucket. */
function bucketOf(durationMs: number): number {
  const i = RED_BUCKET_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return i < 0 ? RED_BUCKET_BOUNDS_MS.length : i;
}

/** The figures a set of requests must produce, worked out from the bucket bounds alone. */
export function expectedFigures(requests: readonly KnownRequest[]): RedFigures {
  const bucketCounts = new Array<number>(RED_BUCKET_COUNT).fill(0);
  for (const r of requests) bucketCounts[bucketOf(r.durationMs)]!++;
  return {
    count: requests.length,
    errorCount: requests.filter((r) => r.error === true || (r.httpStatus ?? 0) >= 500).length,
    durationSumMs: requests.reduce((sum, r) => sum + r.durationMs, 0),
    bucketCounts,
  };
}

function attrs(entries: Record<string, AnyValue>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

/** Spans in the shared model (what the agent's aggregator reads), for building agent RED metrics. */
function modelSpans(
  endpoint: { method: string; route: string },
  requests: readonly KnownRequest[],
  endMs: number,
): Span[] {
  return requests.map((r) => ({
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: `${endpoint.method} ${endpoint.route}`,
    kind: Kind.Server,
    startTimeUnixNano: BigInt(endMs - r.durationMs) * MS,
    endTimeUnixNano: BigInt(endMs) * MS,
    attributes: attrs({
      'http.request.method': endpoint.method,
      'http.route': endpoint.route,
      ...(r.httpStatus === undefined ? {} : { 'http.response.status_code': BigInt(r.httpStatus) }),
    }),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: r.error === true ? 2 : 0, message: '' },
  }));
}

/** SERVER spans in the shared model under one resource with the given extra attributes, for encodeTracesProto. */
export function modelTraces(
  service: string,
  endpoint: { method: string; route: string },
  requests: readonly KnownRequest[],
  endMs: number,
  resource: Record<string, AnyValue> = {},
): TracesData {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: attrs({ 'service.name': service, 'service.instance.id': `${service}-1`, ...resource }),
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'red-test', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: modelSpans(endpoint, requests, endMs),
          },
        ],
      },
    ],
  };
}

export interface AgentSeries {
  service: string;
  instance: string;
  endpoint: { method: string; route: string };
  requests: readonly KnownRequest[];
}

/**
 * RED metrics as an agent sends them: the shared aggregator over the spans of an interval ending at
 * `endMs` (10 s long, like the agent's flush interval), one resource per (service, instance).
 */
export function agentRedMetrics(series: readonly AgentSeries[], endMs: number): MetricsData {
  const aggregator = createRedAggregator({ startTimeUnixNano: BigInt(endMs - 10_000) * MS });
  const resources: ResourceSpans[] = series.map((s) => ({
    resource: {
      attributes: attrs({ 'service.name': s.service, 'service.instance.id': s.instance }),
      droppedAttributesCount: 0,
    },
    schemaUrl: '',
    scopeSpans: [
      {
        scope: { name: 'red-test', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
        schemaUrl: '',
        spans: modelSpans(s.endpoint, s.requests, endMs - 1000),
      },
    ],
  }));
  aggregator.add(resources);
  const data = aggregator.flush(BigInt(endMs) * MS);
  if (data === null) throw new Error('the aggregator produced no metrics');
  return data;
}
