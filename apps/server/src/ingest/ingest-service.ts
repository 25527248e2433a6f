import { hash } from 'node:crypto';
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
import type { PayloadEncoding } from '@apo/pipeline';
import { countRecords, type DecodedBatch } from './decoded-batch.ts';
import { IngestError } from '@apo/pipeline';
import type { GroupCommitWriter } from './group-commit-writer.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import { attachPodMetadata, type PodLookup } from './pod-enrichment.ts';

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

function decode(
  signal: SignalType,
  encoding: PayloadEncoding,
  payload: Uint8Array,
  limits: DecodeLimits,
): DecodeResult<DecodedBatch> {
  const proto = encoding === 'protobuf';
  switch (signal) {
    case 'traces': {
      const r = proto ? decodeTracesProto(payload, limits) : decodeTracesJson(payload, limits);
      return r.ok ? { ...r, value: { signal, data: r.value } } : r;
    }
    case 'logs': {
      const r = proto ? decodeLogsProto(payload, limits) : decodeLogsJson(payload, limits);
      return r.ok ? { ...r, value: { signal, data: r.value } } : r;
    }
    case 'metrics': {
      const r = proto ? decodeMetricsProto(payload, limits) : decodeMetricsJson(payload, limits);
      return r.ok ? { ...r, value: { signal, data: r.value } } : r;
    }
  }
}

/** One ingest path behind every transport: decode with limits, then hand to the group-commit writer. */
export class IngestService {
  readonly #writer: GroupCommitWriter;
  readonly #limits: DecodeLimits;
  readonly #metrics: IngestMetrics;
  readonly #pods: PodLookup | undefined;
  #turns: Promise<void> = Promise.resolve();

  /** `pods`: the Kubernetes pod snapshots proxies publish, attached to the resources of their clusters. */
  constructor(writer: GroupCommitWriter, limits: DecodeLimits, metrics: IngestMetrics, pods?: PodLookup) {
    this.#writer = writer;
    this.#limits = limits;
    this.#metrics = metrics;
    this.#pods = pods;
  }

  /**
   * Decoding and row encoding are synchronous (a few ms per 512-span request). Requests that arrive together
   * would otherwise run back to back in one event-loop phase and hold timers and other I/O for all of them;
   * taking turns — one request's CPU work per loop iteration, FIFO — keeps the worst delay to one request's.
   */
  #nextTurn(): Promise<void> {
    const turn = this.#turns.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.#turns = turn;
    return turn;
  }

  async ingest(req: IngestRequest): Promise<IngestOutcome> {
    await this.#nextTurn();
    const { records, warning, stored } = this.#accept(req);
    const { duplicate } = await stored;
    if (duplicate) this.#metrics.duplicateBatches.inc();
    return { records, duplicate, warning };
  }

  /**
   * Decodes and hands the rows to the writer, synchronously: the decoded request is garbage once this
   * returns, rather than living in `ingest`'s frame until its flush is stored (see GroupCommitWriter.submit).
   */
  #accept(req: IngestRequest): {
    records: number;
    warning: string | undefined;
    stored: Promise<{ duplicate: boolean }>;
  } {
    const decoded = decode(req.signal, req.encoding, req.payload, this.#limits);
    if (!decoded.ok) {
      throw new IngestError(
        'malformed',
        `invalid OTLP ${req.encoding} ${req.signal} request: ${decoded.error.message}`,
      );
    }
    const records = countRecords(decoded.value);
    this.#metrics.receivedRecords.inc({ signal: req.signal, transport: req.transport }, records);
    const { droppedAttributes, truncatedValues } = decoded.stats;
    if (droppedAttributes > 0) this.#metrics.droppedAttributes.inc(droppedAttributes);
    if (truncatedValues > 0) this.#metrics.truncatedValues.inc(truncatedValues);
    // Before the rows are encoded: the resource attribute maps are encoded once per resource, with these.
    const pods = records === 0 ? undefined : this.#pods?.index(req.cluster);
    if (pods !== undefined) attachPodMetadata(decoded.value, pods);
    // What the batch id stands for: the decompressed body, since a relay may compress what it forwards
    // (batch-ledger.ts). Only with an id: without one nothing is bound, and the hash is not computed.
    const digest = req.batchId === undefined ? '' : hash('sha256', req.payload, 'base64');
    const stored =
      records === 0
        ? Promise.resolve({ duplicate: false })
        : this.#writer.submit(decoded.value, records, req.cluster, req.batchId, digest);
    const cut = [
      droppedAttributes > 0
        ? `${droppedAttributes} attributes dropped (limit ${this.#limits.maxAttributes} per record)`
        : '',
      truncatedValues > 0
        ? `${truncatedValues} values truncated (limit ${this.#limits.maxValueLength} characters)`
        : '',
    ].filter((s) => s !== '');
    return { records, warning: cut.length > 0 ? cut.join('; ') : undefined, stored };
  }
}
