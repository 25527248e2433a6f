import { hash } from 'node:crypto';
import { type SignalType } from '@apo/shared/model';
import {
  decodeLogsJson,
  decodeLogsProto,
  decodeMetricsJson,
  decodeMetricsProto,
  decodeTracesJson,
  decodeTracesProto,
  type DecodeLimits,
  type DecodeResult,
  type DecodeStats,
} from '@apo/shared/otlp';
import type { PayloadEncoding } from '@apo/otlp-transport';
import { countRecords, type DecodedBatch } from './decoded-batch.ts';
import { IngestError } from '@apo/otlp-transport';
import type { GroupCommitWriter } from './group-commit-writer.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import { attachPodMetadata, type PodLookup } from './pod-enrichment.ts';
import { admit, type AdmissionRetention } from './admission.ts';

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
  /** Items admitted (and stored, unless `duplicate`). */
  records: number;
  /** Items admission refused (see admission.ts); OTLP carries it as the partial success's rejected count. */
  rejected: number;
  duplicate: boolean;
  /**
   * Why items were rejected and what limits cut; OTLP carries it as the partial-success message (with 0
   * rejected when only limits cut something).
   */
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
  readonly #retention: AdmissionRetention;
  #turns: Promise<void> = Promise.resolve();

  /**
   * `retention`: the tables' retention in days, the window admission accepts times in. `pods`: the
   * Kubernetes pod snapshots proxies publish, attached to the resources of their clusters.
   */
  constructor(
    writer: GroupCommitWriter,
    limits: DecodeLimits,
    retention: AdmissionRetention,
    metrics: IngestMetrics,
    pods?: PodLookup,
  ) {
    this.#writer = writer;
    this.#limits = limits;
    this.#retention = retention;
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

  #countCuts(stats: DecodeStats): void {
    const m = this.#metrics;
    if (stats.droppedAttributes > 0) m.droppedAttributes.inc(stats.droppedAttributes);
    if (stats.truncatedValues > 0) m.truncatedValues.inc(stats.truncatedValues);
    if (stats.droppedEvents > 0) m.droppedEvents.inc(stats.droppedEvents);
    if (stats.droppedLinks > 0) m.droppedLinks.inc(stats.droppedLinks);
    if (stats.droppedValueEntries > 0) m.droppedValueEntries.inc(stats.droppedValueEntries);
  }

  /** What the limits cut, for the partial-success message. */
  #describeCuts(stats: DecodeStats): (string | undefined)[] {
    const limits = this.#limits;
    const attributes =
      stats.itemsOverAttributeBytes > 0
        ? `${limits.maxAttributes} per record, ${limits.maxAttributeBytes} attribute bytes per item (reached by ${stats.itemsOverAttributeBytes} items)`
        : `${limits.maxAttributes} per record`;
    return [
      stats.droppedAttributes > 0
        ? `${stats.droppedAttributes} attributes dropped (limit ${attributes})`
        : undefined,
      stats.truncatedValues > 0
        ? `${stats.truncatedValues} values truncated (limit ${limits.maxValueLength} characters)`
        : undefined,
      stats.droppedEvents > 0
        ? `${stats.droppedEvents} span events dropped (limit ${limits.maxEventsPerSpan} per span)`
        : undefined,
      stats.droppedLinks > 0
        ? `${stats.droppedLinks} span links dropped (limit ${limits.maxLinksPerSpan} per span)`
        : undefined,
      stats.droppedValueEntries > 0
        ? `${stats.droppedValueEntries} array / kvlist entries dropped (limit ${limits.maxValueEntries} per value)`
        : undefined,
    ];
  }

  async ingest(req: IngestRequest): Promise<IngestOutcome> {
    await this.#nextTurn();
    const { records, rejected, warning, stored } = this.#accept(req);
    const { duplicate } = await stored;
    if (duplicate) this.#metrics.duplicateBatches.inc();
    return { records, rejected, duplicate, warning };
  }

  /**
   * Decodes and hands the rows to the writer, synchronously: the decoded request is garbage once this
   * returns, rather than living in `ingest`'s frame until its flush is stored (see GroupCommitWriter.submit).
   */
  #accept(req: IngestRequest): {
    records: number;
    rejected: number;
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
    const stats = decoded.stats;
    this.#countCuts(stats);
    const admission = admit(decoded.value, this.#retention, Date.now());
    this.#metrics.receivedRecords.inc({ signal: req.signal, transport: req.transport }, admission.received);
    for (const [reason, n] of admission.byReason)
      this.#metrics.rejectedRecords.inc({ signal: req.signal, reason }, n);
    const records = countRecords(decoded.value);
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
    const said = [admission.message, ...this.#describeCuts(stats)].filter((s) => s !== undefined);
    return {
      records,
      rejected: admission.rejected,
      warning: said.length > 0 ? said.join('; ') : undefined,
      stored,
    };
  }
}
