/**
 * The agent's span path: every accepted request is journaled (so a kill -9 loses nothing acknowledged),
 * aggregated into RED (100 % of spans, before sampling), and held by the tail sampler; when every trace of
 * a request is decided, the request's kept spans leave as one batch whose id is the request's own, so a
 * replay after a crash is stored once. Held spans stay as the request's encoded bytes, not decoded objects.
 */
import type { Logger } from 'pino';
import { SpanKind, type Attributes, type ResourceSpans, type TracesData } from '@apo/shared/model';
import { decodeTracesProto, encodeTracesProto } from '@apo/shared/otlp';
import { markRedComputed, spanFailed } from '@apo/shared/red';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultBackoff, retryDelayMs, type BackoffOptions, type OutboundBatch } from '@apo/otlp-transport';
import type { KeepReason, SpanFacts, TailSampler } from './tail-sampler.ts';

/** Where accepted requests wait for their decision: durable, acked when the request is done. */
export interface SpanJournal<Entry> {
  append(batch: OutboundBatch): Promise<Entry>;
  ack(entry: Entry): Promise<void>;
  /** The journaled body: held requests keep this one copy, not the receiver's buffer as well. */
  bodyOf(entry: Entry): Uint8Array;
}

/** The next hop's queue (durable once resolved). */
interface BatchSink {
  enqueue(batch: OutboundBatch): Promise<void>;
}

export interface TracePipelineOptions<Entry> {
  /** undefined = sampling off: every span is kept ('all') and forwarded at once. */
  sampler: TailSampler | undefined;
  red: { add(resourceSpans: ResourceSpans[]): void };
  journal: SpanJournal<Entry>;
  sink: BatchSink;
  /** Resource attributes to add (identity): index-aligned with `resourceSpans`. */
  identity(resourceSpans: ResourceSpans): Attributes;
  /** Keys of the sampler's thresholds, caps and baselines; RED's endpoint naming. */
  endpointOf(
    resource: ResourceSpans['resource'],
    span: ResourceSpans['scopeSpans'][number]['spans'][number],
  ): string;
  gzip(bytes: Uint8Array): Promise<Uint8Array>;
  /** Compression of held requests (the journal): cheap both ways, since every request is packed. */
  pack(bytes: Uint8Array): Promise<Uint8Array>;
  unpack(bytes: Uint8Array): Promise<Uint8Array>;
  /** Bytes of held requests beyond which the oldest are decided early (memory bound; default 96 MiB). */
  maxHeldBytes?: number;
  /** Waits between tries to hand kept spans to a sink that failed (a full disk); default 0.5 s … 5 s. */
  sinkBackoff?: BackoffOptions;
  log: Logger;
  now?: () => number;
}

const SAMPLING_REASON_ATTRIBUTE = 'apo.sampling.reason';
const ADDITIONS_HEADER = 'x-apo-resource-additions';

interface HeldRequest<Entry> {
  batchId: string;
  /** The journaled body: the request's protobuf, packed (zstd). */
  payload: Uint8Array;
  additions: Attributes[];
  entry: Entry;
  spans: number;
  /** Traces of this request not decided yet. */
  open: Set<string>;
  kept: Map<string, KeepReason>;
  /** Its journal entry is settled: done, or given up while the disk is full (see #releaseJournal). */
  journalSettled?: boolean;
}

export interface TracePipelineStats {
  acceptedSpans: number;
  keptSpans: number;
  droppedSpans: number;
  heldRequests: number;
  heldBytes: number;
  /** Decided requests whose kept spans are not in the export queue yet (waiting their turn, or for room). */
  forwardingRequests: number;
  emitFailures: number;
}

export class TracePipeline<Entry> {
  readonly #o: TracePipelineOptions<Entry>;
  readonly #now: () => number;
  /** Requests waiting for decisions, and which requests each held trace appears in. */
  readonly #held = new Set<HeldRequest<Entry>>();
  readonly #byTrace = new Map<string, HeldRequest<Entry>[]>();
  readonly #stats: TracePipelineStats = {
    acceptedSpans: 0,
    keptSpans: 0,
    droppedSpans: 0,
    heldRequests: 0,
    heldBytes: 0,
    forwardingRequests: 0,
    emitFailures: 0,
  };
  #emitting: Promise<void> = Promise.resolve();
  /** Decided requests waiting for their turn to be forwarded (in #emitting), the one being forwarded too. */
  readonly #toEmit = new Set<HeldRequest<Entry>>();
  #heldBytes = 0;
  /** Aborted by `drain`: a forward waiting to be tried again gives up (its request stays in the journal). */
  readonly #stopping = new AbortController();

  constructor(options: TracePipelineOptions<Entry>) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Takes a decoded, valid request (`payload` is its protobuf encoding). Resolves once the request is
   * durable: the receiver acknowledges the sender only then.
   */
  async accept(payload: Uint8Array, data: TracesData, batchId: string): Promise<void> {
    const additions = data.resourceSpans.map((rs) => this.#o.identity(rs));
    data.resourceSpans.forEach((rs, i) => Object.assign(rs.resource.attributes, additions[i]));
    this.#o.red.add(data.resourceSpans);
    const spans = countSpans(data);
    this.#stats.acceptedSpans += spans;
    if (this.#o.sampler === undefined) {
      await this.#forward(data, batchId, () => 'all');
      this.#stats.keptSpans += spans;
      return;
    }
    // What the sampler needs, taken now: the decoded request is not kept alive across the awaits below
    // (at high rates it would outlive young-generation collections and bloat the old space).
    const facts = this.#factsOf(data);
    const entry = await this.#o.journal.append({
      signal: 'traces',
      batchId,
      contentType: 'application/x-protobuf',
      // Held requests stay compressed (about 9x smaller in memory and in the journal for the whole hold);
      // only those with kept spans are inflated again.
      contentEncoding: 'zstd',
      body: await this.#o.pack(payload),
      items: spans,
      headers: { [ADDITIONS_HEADER]: JSON.stringify(additions) },
    });
    this.#hold(facts, {
      batchId,
      payload: this.#o.journal.bodyOf(entry),
      additions,
      entry,
      spans,
      open: new Set(),
      kept: new Map(),
    });
  }

  /** A journaled request found at start-up (the agent stopped before deciding it): RED already counted it. */
  async replay(batch: OutboundBatch, entry: Entry): Promise<void> {
    const body =
      batch.contentEncoding === 'zstd' ? await this.#o.unpack(batch.body).catch(() => undefined) : batch.body;
    const decoded = body === undefined ? undefined : decodeTracesProto(body);
    if (!decoded?.ok) {
      // The frame's checksum held, so this is not a torn write: a record this agent cannot read is dropped.
      this.#o.log.error(
        { batchId: batch.batchId, err: decoded?.error.message ?? 'not zstd data' },
        'journal record does not decode; dropped',
      );
      void this.#o.journal.ack(entry);
      return;
    }
    const additions = parseAdditions(batch.headers?.[ADDITIONS_HEADER]);
    this.#hold(this.#factsOf(decoded.value), {
      batchId: batch.batchId,
      payload: batch.body,
      additions,
      entry,
      spans: countSpans(decoded.value),
      open: new Set(),
      kept: new Map(),
    });
  }

  /** Runs the sampler's due decisions and emits finished requests; returns the traces newly kept here. */
  tick(): string[] {
    const sampler = this.#o.sampler;
    if (!sampler) return [];
    const now = this.#now();
    const newlyKept = sampler.decide(now);
    this.#settle(sampler.finalize(now));
    // Over the memory budget: the oldest held requests are decided now rather than at the end of the hold.
    const maxHeldBytes = this.#o.maxHeldBytes ?? 96 * 1024 * 1024;
    for (const oldest of this.#held) {
      if (this.#heldBytes <= maxHeldBytes) break;
      this.#settle(sampler.finalizeNow(oldest.open, now));
    }
    return newlyKept;
  }

  #settle(decisions: [traceId: string, reason: KeepReason | null][]): void {
    for (const [traceId, reason] of decisions) {
      const requests = this.#byTrace.get(traceId);
      if (!requests) continue;
      this.#byTrace.delete(traceId);
      for (const request of requests) {
        request.open.delete(traceId);
        if (reason !== null) request.kept.set(traceId, reason);
        if (request.open.size === 0) this.#finish(request);
      }
    }
  }

  stats(): TracePipelineStats {
    return {
      ...this.#stats,
      heldRequests: this.#held.size,
      heldBytes: this.#heldBytes,
      forwardingRequests: this.#toEmit.size,
    };
  }

  /**
   * Waits for the emits started so far (shutdown: what is still held stays in the journal, and so does a
   * request whose forward is waiting to be tried again).
   */
  async drain(): Promise<void> {
    this.#stopping.abort();
    await this.#emitting;
  }

  #factsOf(data: TracesData): SpanFacts[] {
    const facts: SpanFacts[] = [];
    for (const rs of data.resourceSpans) {
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const entry = span.kind === SpanKind.Server || span.kind === SpanKind.Consumer;
          facts.push({
            traceId: span.traceId,
            isError: spanFailed(span),
            entryEndpoint: entry ? this.#o.endpointOf(rs.resource, span) : undefined,
            durationMs: Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6,
            isRoot: span.parentSpanId === '',
          });
        }
      }
    }
    return facts;
  }

  #hold(facts: readonly SpanFacts[], request: HeldRequest<Entry>): void {
    const sampler = this.#o.sampler!;
    const now = this.#now();
    for (const fact of facts) {
      const final = sampler.observe(fact, now);
      if (final !== undefined) {
        if (final !== null) request.kept.set(fact.traceId, final);
        continue;
      }
      if (request.open.has(fact.traceId)) continue;
      request.open.add(fact.traceId);
      const list = this.#byTrace.get(fact.traceId);
      if (list) list.push(request);
      else this.#byTrace.set(fact.traceId, [request]);
    }
    if (request.open.size === 0) {
      this.#finish(request);
    } else {
      this.#held.add(request);
      this.#heldBytes += request.payload.length;
    }
  }

  #finish(request: HeldRequest<Entry>): void {
    if (this.#held.delete(request)) this.#heldBytes -= request.payload.length;
    // Emits run one after another: each decodes a held request again, so bursts must not pile up at once.
    this.#toEmit.add(request);
    this.#emitting = this.#emitting
      .then(() => this.#emit(request))
      .finally(() => this.#toEmit.delete(request));
  }

  async #emit(request: HeldRequest<Entry>): Promise<void> {
    try {
      if (request.kept.size > 0) {
        const decoded = decodeTracesProto(await this.#o.unpack(request.payload));
        if (!decoded.ok) throw decoded.error;
        const data = decoded.value;
        data.resourceSpans.forEach((rs, i) => Object.assign(rs.resource.attributes, request.additions[i]));
        const kept = await this.#forwardUntilStored(data, request);
        this.#stats.keptSpans += kept;
        this.#stats.droppedSpans += request.spans - kept;
      } else {
        this.#stats.droppedSpans += request.spans;
      }
      await this.#settleJournal(request);
    } catch (err) {
      // The request stays in the journal and is decided again after a restart; nothing is lost.
      this.#stats.emitFailures++;
      this.#o.log.error(
        { err, batchId: request.batchId },
        'could not forward kept spans; left in the journal',
      );
    }
  }

  /**
   * Forwards, and when the sink fails (the disk is full: the export queue refuses appends) tries again with
   * backoff until it takes the batch or the pipeline stops. The request was acknowledged to its sender, and
   * leaving it unacked in the journal until a restart would hold the journal's segment — and its disk
   * space — for as long. Emits run one after another, so the ones behind wait (they would fail too).
   */
  async #forwardUntilStored(data: TracesData, request: HeldRequest<Entry>): Promise<number> {
    const backoff = this.#o.sinkBackoff ?? { ...defaultBackoff, maxMs: 5000 };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#forward(data, request.batchId, (traceId) => request.kept.get(traceId));
      } catch (err) {
        if (this.#stopping.signal.aborted) throw err;
        this.#stats.emitFailures++;
        if (attempt === 0) await this.#releaseJournal();
        // Once, then every tenth try: a full disk fails every one of them.
        if (attempt % 10 === 0) {
          this.#o.log.error(
            { err, batchId: request.batchId, attempt },
            'could not forward kept spans; trying again',
          );
        }
        await sleep(retryDelayMs(attempt, undefined, backoff), undefined, {
          signal: this.#stopping.signal,
        }).catch(() => undefined);
      }
    }
  }

  /**
   * The sink refused (its disk is full). The journal shares that disk, and it frees a segment only once every
   * request in it is settled: requests waiting here would hold the very space the export queue needs to take
   * them — a deadlock that a drained queue does not end (seen with an 8 MiB disk). So while the sink refuses,
   * the waiting requests' journal entries are settled now and their spans wait in memory (they are already
   * there, bounded by the held bytes): a kill -9 during a full-disk spell loses them, nothing else does.
   */
  async #releaseJournal(): Promise<void> {
    for (const request of this.#toEmit) await this.#settleJournal(request);
  }

  async #settleJournal(request: HeldRequest<Entry>): Promise<void> {
    if (request.journalSettled === true) return;
    request.journalSettled = true;
    await this.#o.journal.ack(request.entry);
  }

  /** Filters, marks and sends; returns the spans sent. */
  async #forward(
    data: TracesData,
    batchId: string,
    reasonOf: (traceId: string) => KeepReason | undefined,
  ): Promise<number> {
    let kept = 0;
    const resourceSpans: ResourceSpans[] = [];
    for (const rs of data.resourceSpans) {
      const scopeSpans = [];
      for (const ss of rs.scopeSpans) {
        const spans = ss.spans.filter((span) => {
          const reason = reasonOf(span.traceId);
          if (reason === undefined) return false;
          span.attributes[SAMPLING_REASON_ATTRIBUTE] = reason;
          return true;
        });
        if (spans.length > 0) scopeSpans.push({ ...ss, spans });
        kept += spans.length;
      }
      if (scopeSpans.length === 0) continue;
      markRedComputed(rs.resource);
      resourceSpans.push({ ...rs, scopeSpans });
    }
    if (kept === 0) return 0;
    await this.#o.sink.enqueue({
      signal: 'traces',
      batchId,
      contentType: 'application/x-protobuf',
      contentEncoding: 'gzip',
      body: await this.#o.gzip(encodeTracesProto({ resourceSpans })),
      items: kept,
    });
    return kept;
  }
}

function countSpans(data: TracesData): number {
  let n = 0;
  for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

function parseAdditions(text: string | undefined): Attributes[] {
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as Attributes[]) : [];
  } catch {
    return [];
  }
}
