import {
  decodeLogsJson,
  decodeLogsProto,
  decodeMetricsJson,
  decodeMetricsProto,
  decodeTracesJson,
  decodeTracesProto,
  type DecodeLimits,
  type DecodeResult,
  type SignalType,
} from '@apo/shared';
import type { PayloadEncoding } from './body-decoding.ts';
import { countRecords, type DecodedBatch } from './decoded-batch.ts';
import { IngestError } from './ingest-error.ts';
import type { GroupCommitWriter } from './group-commit-writer.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';

export interface IngestRequest {
  signal: SignalType;
  /** Decompressed body. */
  payload: Uint8Array;
  encoding: PayloadEncoding;
  cluster: string;
  batchId: string | undefined;
  transport: 'http' | 'grpc';
}

export interface IngestOutcome {
  records: number;
  duplicate: boolean;
  /** Set when limits cut something; OTLP carries it as a partial-success message with 0 rejected. */
  warning: string | undefined;
}

function decode(signal: SignalType, encoding: PayloadEncoding, payload: Uint8Array, limits: DecodeLimits): DecodeResult<DecodedBatch> {
  const wrap = <T, S extends SignalType>(s: S, r: DecodeResult<T>) =>
    r.ok ? ({ ok: true, value: { signal: s, data: r.value }, stats: r.stats } as const) : r;
  const proto = encoding === 'protobuf';
  switch (signal) {
    case 'traces':
      return wrap('traces', proto ? decodeTracesProto(payload, limits) : decodeTracesJson(payload, limits)) as DecodeResult<DecodedBatch>;
    case 'logs':
      return wrap('logs', proto ? decodeLogsProto(payload, limits) : decodeLogsJson(payload, limits)) as DecodeResult<DecodedBatch>;
    case 'metrics':
      return wrap('metrics', proto ? decodeMetricsProto(payload, limits) : decodeMetricsJson(payload, limits)) as DecodeResult<DecodedBatch>;
  }
}

/** One ingest path behind every transport: decode with limits, then hand to the group-commit writer. */
export class IngestService {
  readonly #writer: GroupCommitWriter;
  readonly #limits: DecodeLimits;
  readonly #metrics: IngestMetrics;

  constructor(writer: GroupCommitWriter, limits: DecodeLimits, metrics: IngestMetrics) {
    this.#writer = writer;
    this.#limits = limits;
    this.#metrics = metrics;
  }

  async ingest(req: IngestRequest): Promise<IngestOutcome> {
    const decoded = decode(req.signal, req.encoding, req.payload, this.#limits);
    if (!decoded.ok) {
      throw new IngestError('malformed', `invalid OTLP ${req.encoding} ${req.signal} request: ${decoded.error.message}`);
    }
    const records = countRecords(decoded.value);
    this.#metrics.receivedRecords.inc({ signal: req.signal, transport: req.transport }, records);
    const { droppedAttributes, truncatedValues } = decoded.stats;
    if (droppedAttributes > 0) this.#metrics.droppedAttributes.inc(droppedAttributes);
    if (truncatedValues > 0) this.#metrics.truncatedValues.inc(truncatedValues);
    const { duplicate } =
      records === 0
        ? { duplicate: false }
        : await this.#writer.submit(decoded.value, records, req.cluster, req.batchId);
    if (duplicate) this.#metrics.duplicateBatches.inc();
    const cut = [
      droppedAttributes > 0 ? `${droppedAttributes} attributes dropped (limit ${this.#limits.maxAttributes} per record)` : '',
      truncatedValues > 0 ? `${truncatedValues} values truncated (limit ${this.#limits.maxValueLength} characters)` : '',
    ].filter((s) => s !== '');
    return { records, duplicate, warning: cut.length > 0 ? cut.join('; ') : undefined };
  }
}
