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
import { IngestError, type PayloadEncoding } from '@apo/otlp-transport';
import type { Authenticator } from '../auth/authenticator.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import { admit, type AdmissionRetention } from './admission.ts';
import { countRecords, type DecodedBatch } from './decoded-batch.ts';
import type { GroupCommitWriter } from './group-commit-writer.ts';
import { parseBatchId, resolveCluster } from './ingest-headers.ts';
import { attachPodMetadata, type PodLookup } from './pod-enrichment.ts';

type Transport = 'http' | 'grpc';

/**
 * One OTLP export request as a transport hands it over: what it read off the wire, before anything of
 * ingest has looked at it.
 */
export interface ExportCall {
  signal: SignalType;
  transport: Transport;
  encoding: PayloadEncoding;
  /** A request header (HTTP) or metadata entry (gRPC) by its lower-case name. */
  header: (name: string) => string | undefined;
  /** The body as received: counted as such, and inflated by `inflate` when the transport compresses. */
  body: Uint8Array;
  /**
   * Inflates `body` (HTTP's Content-Encoding), bounded by the transport's limits; absent when the transport
   * hands bodies over inflated (gRPC). Only called once the sender is authenticated.
   */
  inflate?: (body: Uint8Array) => Promise<Uint8Array>;
}

/** What an export's answer carries: OTLP's partial success (items rejected, and why or what limits cut). */
export interface ExportResult {
  rejected: number;
  warning: string | undefined;
}

interface IngestRequest {
  signal: SignalType;
  /** Decompressed body. */
  payload: Uint8Array;
  encoding: PayloadEncoding;
  cluster: string;
  batchId: string | undefined;
  transport: Transport;
}

interface IngestOutcome {
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

export interface IngestServiceOptions {
  writer: GroupCommitWriter;
  limits: DecodeLimits;
  /** The tables' retention in days, the window admission accepts times in. */
  retention: AdmissionRetention;
  metrics: IngestMetrics;
  auth: Pick<Authenticator, 'checkIngest'>;
  /** The cluster of senders that are not trusted to name one (only authenticated proxies are). */
  defaultCluster: string;
  /** The Kubernetes pod snapshots proxies publish, attached to the resources of their clusters. */
  pods?: PodLookup | undefined;
}

/**
 * One ingest path behind every transport: authenticate, count, decode with limits, admit, then hand to the
 * group-commit writer (which answers repeats of a batch id from the ledger). The transports only translate:
 * headers and bodies in, an ExportResult or an IngestError out, mapped to their status codes.
 */
export class IngestService {
  readonly #writer: GroupCommitWriter;
  readonly #limits: DecodeLimits;
  readonly #metrics: IngestMetrics;
  readonly #pods: PodLookup | undefined;
  readonly #retention: AdmissionRetention;
  readonly #auth: Pick<Authenticator, 'checkIngest'>;
  readonly #defaultCluster: string;
  #turns: Promise<void> = Promise.resolve();

  constructor(options: IngestServiceOptions) {
    this.#writer = options.writer;
    this.#limits = options.limits;
    this.#retention = options.retention;
    this.#metrics = options.metrics;
    this.#auth = options.auth;
    this.#defaultCluster = options.defaultCluster;
    this.#pods = options.pods;
  }

  /**
   * Checks a sender's credential (the `authorization` header or metadata); throws an `unauthenticated`
   * IngestError. A transport may call it before reading the body, so a request without a credential is
   * answered at once; `export` checks again.
   */
  authenticate(authorization: string | undefined): { trustClusterHeader: boolean } {
    const identity = this.#auth.checkIngest(authorization);
    if (!identity.ok) throw new IngestError('unauthenticated', identity.message);
    return identity;
  }

  /**
   * Counts a refused request. Transports call it once for every IngestError they answer, wherever it arose
   * (their own checks, `authenticate`, `export`), so each refusal is counted once.
   */
  refused(err: IngestError, signal: SignalType): void {
    this.#metrics.rejectedRequests.inc({ signal, reason: err.kind });
  }

  /**
   * The whole export: resolves with what OTLP's partial success carries, rejects with an IngestError that
   * says why the request was refused (anything else is an internal error).
   */
  async export(call: ExportCall): Promise<ExportResult> {
    const { signal, transport, header } = call;
    const identity = this.authenticate(header('authorization'));
    this.#metrics.receivedBytes.inc({ signal, transport }, call.body.length);
    const payload = call.inflate === undefined ? call.body : await call.inflate(call.body);
    const outcome = await this.#ingest({
      signal,
      payload,
      encoding: call.encoding,
      cluster: resolveCluster(header('x-apo-cluster-id'), identity.trustClusterHeader, this.#defaultCluster),
      batchId: parseBatchId(header('x-apo-batch-id')),
      transport,
    });
    return { rejected: outcome.rejected, warning: outcome.warning };
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

  async #ingest(req: IngestRequest): Promise<IngestOutcome> {
    await this.#nextTurn();
    const { records, rejected, warning, stored } = this.#accept(req);
    const { duplicate } = await stored;
    if (duplicate) this.#metrics.duplicateBatches.inc();
    return { records, rejected, duplicate, warning };
  }

  /**
   * Decodes and hands the rows to the writer, synchronously: the decoded request is garbage once this
   * returns, rather than living in `#ingest`'s frame until its flush is stored (see GroupCommitWriter.submit).
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
