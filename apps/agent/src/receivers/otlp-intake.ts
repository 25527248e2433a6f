/**
 * What the agent does with one OTLP export request, whatever the transport: decode it (a bad body is a 400
 * to the sender, nothing else is affected), then hand traces to the span pipeline and logs / metrics —
 * with the identity the SDK did not set — straight to the export queue. The sender is acknowledged only
 * once the request is durable on disk.
 */
import { type Attributes, type Resource, type SignalType, type TracesData } from '@apo/shared/model';
import {
  decodeLogsJson,
  decodeLogsProto,
  decodeMetricsJson,
  decodeMetricsProto,
  decodeTracesJson,
  decodeTracesProto,
  encodeLogsProto,
  encodeMetricsProto,
  encodeTracesProto,
  type DecodeResult,
} from '@apo/shared/otlp';
import { IngestError, newBatchId, type OutboundBatch, type PayloadEncoding } from '@apo/otlp-transport';

export interface IntakeTargets {
  traces(payload: Uint8Array, data: TracesData, batchId: string): Promise<void>;
  enqueue(batch: OutboundBatch): Promise<void>;
  identity(resource: Resource): Attributes;
  /** Every resource seen (the process collector learns pids from `process.pid`). */
  sawResource(resource: Resource): void;
  gzip(bytes: Uint8Array): Promise<Uint8Array>;
}

export interface IntakeCounters {
  spans: number;
  logRecords: number;
  metricPoints: number;
  refused: Record<string, number>;
}

function decoded<T>(result: DecodeResult<T>, signal: SignalType): T {
  if (!result.ok)
    throw new IngestError('malformed', `invalid OTLP ${signal} request: ${result.error.message}`);
  return result.value;
}

export class OtlpIntake {
  readonly #t: IntakeTargets;
  readonly counters: IntakeCounters = { spans: 0, logRecords: 0, metricPoints: 0, refused: {} };

  constructor(targets: IntakeTargets) {
    this.#t = targets;
  }

  refused(kind: string): void {
    this.counters.refused[kind] = (this.counters.refused[kind] ?? 0) + 1;
  }

  async accept(signal: SignalType, payload: Uint8Array, encoding: PayloadEncoding): Promise<void> {
    const t = this.#t;
    switch (signal) {
      case 'traces': {
        const data = decoded(
          encoding === 'json' ? decodeTracesJson(payload) : decodeTracesProto(payload),
          signal,
        );
        let spans = 0;
        for (const rs of data.resourceSpans) {
          t.sawResource(rs.resource);
          for (const ss of rs.scopeSpans) spans += ss.spans.length;
        }
        await t.traces(encoding === 'json' ? encodeTracesProto(data) : payload, data, newBatchId());
        this.counters.spans += spans;
        return;
      }
      case 'logs': {
        const data = decoded(
          encoding === 'json' ? decodeLogsJson(payload) : decodeLogsProto(payload),
          signal,
        );
        let records = 0;
        for (const rl of data.resourceLogs) {
          this.#enrich(rl.resource);
          for (const sl of rl.scopeLogs) records += sl.logRecords.length;
        }
        await t.enqueue({
          signal,
          batchId: newBatchId(),
          contentType: 'application/x-protobuf',
          contentEncoding: 'gzip',
          body: await t.gzip(encodeLogsProto(data)),
          items: records,
        });
        this.counters.logRecords += records;
        return;
      }
      case 'metrics': {
        const data = decoded(
          encoding === 'json' ? decodeMetricsJson(payload) : decodeMetricsProto(payload),
          signal,
        );
        let points = 0;
        for (const rm of data.resourceMetrics) {
          this.#enrich(rm.resource);
          for (const sm of rm.scopeMetrics) {
            for (const m of sm.metrics) points += 'points' in m.data ? m.data.points.length : 0;
          }
        }
        await t.enqueue({
          signal,
          batchId: newBatchId(),
          contentType: 'application/x-protobuf',
          contentEncoding: 'gzip',
          body: await t.gzip(encodeMetricsProto(data)),
          items: points,
        });
        this.counters.metricPoints += points;
        return;
      }
    }
  }

  #enrich(resource: Resource): void {
    this.#t.sawResource(resource);
    Object.assign(resource.attributes, this.#t.identity(resource));
  }
}
