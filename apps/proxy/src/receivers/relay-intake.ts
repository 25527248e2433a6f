/**
 * What the proxy does with one OTLP export request, whatever the transport: authenticate the sender, check
 * the body (a cheap protobuf walk that also counts the items; JSON, rare, is decoded), apply the sender's
 * rate limit, and append the body — untouched, or gzipped when it came uncompressed — to the disk queue as
 * one batch with the sender's batch id. The sender is acknowledged only once the batch is on the proxy's
 * disk; the exporter takes it from there.
 */
import {
  IngestError,
  gzipBody,
  newBatchId,
  refusalWhenUnwritable,
  type ExportOutcome,
  type IngestErrorKind,
  type OutboundBatch,
  type PayloadEncoding,
} from '@apo/otlp-transport';
import { type SignalType } from '@apo/shared/model';
import {
  OtlpDecodeError,
  countOtlpItems,
  decodeLogsJson,
  decodeMetricsJson,
  decodeTracesJson,
} from '@apo/shared/otlp';
import type { AgentAuth } from './agent-auth.ts';
import type { RateLimit, RateLimiter } from './rate-limiter.ts';
import {
  ANONYMOUS,
  UNAUTHENTICATED,
  type AgentRegistry,
  type RefusalReason,
} from '../status/agent-registry.ts';

export interface RelayRequest {
  signal: SignalType;
  encoding: PayloadEncoding;
  /** As received: what the body is compressed with ('identity' for gRPC, whose messages arrive inflated). */
  contentEncoding: string;
  /** As received. */
  body: Uint8Array;
  /** The decompressed body (bounded by the body limit). */
  payload: () => Promise<Uint8Array>;
  /** A request header or gRPC metadata value (lower-case name). */
  header: (name: string) => string | undefined;
}

export interface RelayIntakeOptions {
  auth: AgentAuth;
  limiter: RateLimiter;
  /** The limit where no token sets one (and for every agent when there are no tokens). */
  defaultLimit: RateLimit;
  agents: AgentRegistry;
  append: (batch: OutboundBatch) => Promise<{ stored: boolean }>;
  /** Seconds agents are told to wait when the queue is full. */
  queueFullRetryAfterSeconds?: number;
}

/** The server's rule (apps/server/src/ingest/ingest-headers.ts): an id it would refuse is refused here. */
const BATCH_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const reasonOf: Record<IngestErrorKind, RefusalReason> = {
  unauthenticated: 'unauthenticated',
  malformed: 'malformed',
  'unsupported-media': 'unsupported_media',
  'too-large': 'too_large',
  overloaded: 'rate_limited',
  unavailable: 'unavailable',
  // Raised by the server's storage only; a proxy never refuses with them.
  unstorable: 'malformed',
  conflict: 'malformed',
};

export class RelayIntake {
  readonly #o: RelayIntakeOptions;
  /** Refusals already counted under their agent, so the receivers' catch-all does not count them again. */
  readonly #counted = new WeakSet<IngestError>();

  constructor(options: RelayIntakeOptions) {
    this.#o = options;
  }

  async accept(req: RelayRequest): Promise<ExportOutcome> {
    const o = this.#o;
    let agent = UNAUTHENTICATED;
    let items = 0;
    try {
      const token = o.auth.check(req.header('authorization'));
      agent = o.agents.identify(req.header('x-apo-agent-id'), token?.name);
      const batchId = batchIdOf(req.header('x-apo-batch-id'));
      // The receivers count the body and what it inflates to against the proxy's bytes in flight (429 beyond).
      const payload = await req.payload();
      items = countItems(req.signal, req.encoding, payload);
      // Nothing to store: acknowledge without queueing a batch the server would store nothing from.
      if (items === 0) return {};
      const limit = token ?? o.defaultLimit;
      const rateKey = token?.name ?? agent;
      const wait = o.limiter.take(rateKey, items, limit);
      if (wait > 0) {
        throw new IngestError(
          'overloaded',
          `rate limit exceeded for "${rateKey}" (${limit.itemsPerSecond} items per second): retry after ${wait} s`,
          wait,
        );
      }
      const batch: OutboundBatch = {
        signal: req.signal,
        batchId,
        contentType: req.encoding === 'json' ? 'application/json' : 'application/x-protobuf',
        ...(await forwardedBody(req, payload)),
        items,
        headers: { 'x-apo-agent-id': agent },
      };
      let stored: boolean;
      try {
        stored = (await o.append(batch)).stored;
      } catch (err) {
        o.limiter.refund(rateKey, items, limit);
        const refusal = refusalWhenUnwritable(err, 'the proxy');
        throw refusal instanceof IngestError
          ? refusal
          : new IngestError('unavailable', 'the proxy could not write to its disk queue: retry later', 2);
      }
      if (!stored) {
        o.limiter.refund(rateKey, items, limit);
        const err = new IngestError(
          'unavailable',
          "the proxy's disk queue is full (the server is unreachable or slower than the senders): retry later",
          o.queueFullRetryAfterSeconds ?? 5,
        );
        o.agents.rejected(agent, 'queue_full', items);
        this.#counted.add(err);
        throw err;
      }
      o.agents.received(agent, req.signal, items);
      return {};
    } catch (err) {
      if (err instanceof IngestError && !this.#counted.has(err)) {
        o.agents.rejected(agent, reasonOf[err.kind], items);
        this.#counted.add(err);
      }
      throw err;
    }
  }

  /** For the receivers' refusals that happen before `accept` (content type, body size): not yet counted. */
  refused(err: IngestError): void {
    if (this.#counted.has(err)) return;
    this.#counted.add(err);
    this.#o.agents.rejected(
      err.kind === 'unauthenticated' ? UNAUTHENTICATED : ANONYMOUS,
      reasonOf[err.kind],
      0,
    );
  }
}

function batchIdOf(header: string | undefined): string {
  // Absent: a new id, so retries inside the proxy→server leg are stored once; a sender's own retry of such a
  // request is a new request to the proxy and cannot be recognised (docs/proxy.md).
  if (header === undefined || header === '') return newBatchId();
  if (!BATCH_ID.test(header))
    throw new IngestError('malformed', 'X-APO-Batch-Id must be 1–128 characters of A-Z a-z 0-9 . _ : -');
  return header;
}

function countItems(signal: SignalType, encoding: PayloadEncoding, payload: Uint8Array): number {
  try {
    if (encoding === 'protobuf') return countOtlpItems(signal, payload);
    return countJsonItems(signal, payload);
  } catch (err) {
    if (err instanceof OtlpDecodeError)
      throw new IngestError('malformed', `invalid OTLP ${signal} request: ${err.message}`);
    throw err;
  }
}

/** JSON is rare on this path (agents send protobuf): the decoder checks it and the model is counted. */
function countJsonItems(signal: SignalType, payload: Uint8Array): number {
  let n = 0;
  if (signal === 'traces') {
    const r = decodeTracesJson(payload);
    if (!r.ok) throw r.error;
    for (const rs of r.value.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  } else if (signal === 'logs') {
    const r = decodeLogsJson(payload);
    if (!r.ok) throw r.error;
    for (const rl of r.value.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  } else {
    const r = decodeMetricsJson(payload);
    if (!r.ok) throw r.error;
    for (const rm of r.value.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics) n += m.data.type === 'empty' ? 0 : m.data.points.length;
  }
  return n;
}

/**
 * gzip and zstd bodies go on as they came (the server takes both); identity and deflate bodies are gzipped
 * from the payload already inflated for the check, so every batch travels compressed.
 */
async function forwardedBody(
  req: RelayRequest,
  payload: Uint8Array,
): Promise<Pick<OutboundBatch, 'body' | 'contentEncoding'>> {
  const encoding = req.contentEncoding.trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return { body: req.body, contentEncoding: 'gzip' };
  if (encoding === 'zstd') return { body: req.body, contentEncoding: 'zstd' };
  return { body: await gzipBody(payload), contentEncoding: 'gzip' };
}
