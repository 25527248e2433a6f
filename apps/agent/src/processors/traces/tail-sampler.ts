/**
 * Tail sampling (APO's retrospective sampling): every trace is held for a decision window, then kept when
 * it matters — an error, a slow entry span, the endpoint's baseline of the minute — plus everything while
 * the agent's span rate is under its budget and a trace-id-hash share above it. Keep decisions are shared
 * with other agents (through the server), and a trace is final only after the longer hold, so spans of a
 * kept trace are kept on every host. Pure logic: time is passed in, I/O is the caller's.
 */
import { EndpointThresholds, type ThresholdOptions } from './endpoint-thresholds.ts';

export type KeepReason = 'error' | 'slow' | 'baseline' | 'budget' | 'probability' | 'remote' | 'all';

export interface SamplerOptions {
  /** When the local decision is taken, from the trace's first span (default 10 s). */
  decisionWaitMs: number;
  /** When the decision becomes final, remote keeps included (default 15 s). */
  holdMs: number;
  slow: ThresholdOptions;
  baselinePerEndpointPerMinute: number;
  /** Spans per second under which every trace is kept. */
  spanBudgetPerSecond: number;
  /** Error keeps and slow keeps, each, per endpoint per second. */
  capPerEndpointPerSecond: number;
  /** How long final decisions are remembered for late spans. */
  rememberMs: number;
  /** Held traces beyond this are decided early, oldest first, so memory stays bounded. */
  maxHeldTraces: number;
}

export const defaultSamplerOptions: SamplerOptions = {
  decisionWaitMs: 10_000,
  holdMs: 15_000,
  slow: { quantile: 0.9, factor: 1.1, defaultMs: 500, windowMinutes: 60, minCount: 20 },
  baselinePerEndpointPerMinute: 1,
  spanBudgetPerSecond: 1000,
  capPerEndpointPerSecond: 5,
  rememberMs: 30_000,
  maxHeldTraces: 200_000,
};

/** What the caller knows of one span; computed from the decoded span by the span processor. */
export interface SpanFacts {
  traceId: string;
  isError: boolean;
  /** Set for entry spans (SERVER / CONSUMER): `service endpoint`, the key of thresholds and caps. */
  entryEndpoint: string | undefined;
  durationMs: number;
  /** No parent: this agent holds the trace's root, so it chooses the baseline. */
  isRoot: boolean;
}

interface HeldTrace {
  firstSeenMs: number;
  error: boolean;
  slow: boolean;
  /** The endpoint that caps and baselines count against (root's, else the first entry span's). */
  endpoint: string;
  hasRoot: boolean;
  /** undefined = not decided yet; null = not kept locally. */
  local: KeepReason | null | undefined;
  remote: boolean;
}

export interface SamplerStats {
  held: number;
  kept: Record<KeepReason, number>;
  dropped: number;
  cappedError: number;
  cappedSlow: number;
  forcedEarly: number;
  lateRemote: number;
  spanRate: number;
}

/** Under this rate (spans/s) the hash of a trace id decides; W3C trace ids end in 7+ random bytes. */
function traceHash(traceId: string): number {
  return Number.parseInt(traceId.slice(-8), 16) / 0x1_0000_0000;
}

export class TailSampler {
  readonly #o: SamplerOptions;
  readonly #thresholds: EndpointThresholds;
  readonly #held = new Map<string, HeldTrace>();
  /** Final decisions by trace id, in decision order (oldest first) for expiry. */
  readonly #final = new Map<string, { reason: KeepReason | null; atMs: number }>();
  readonly #buckets = new Map<string, { error: number; slow: number; atMs: number }>();
  readonly #baselines = new Map<string, { minute: number; count: number }>();
  /**
   * Spans per second over the last 30 s (counts per second slot): longer than the decision wait, so the
   * rate a decision sees includes the second its trace arrived in.
   */
  readonly #rate = new Float64Array(30);
  #rateSecond = 0;
  readonly #stats: Omit<SamplerStats, 'held' | 'spanRate'> = {
    kept: { error: 0, slow: 0, baseline: 0, budget: 0, probability: 0, remote: 0, all: 0 },
    dropped: 0,
    cappedError: 0,
    cappedSlow: 0,
    forcedEarly: 0,
    lateRemote: 0,
  };

  constructor(options: SamplerOptions) {
    this.#o = options;
    this.#thresholds = new EndpointThresholds(options.slow);
  }

  /**
   * Takes one span into account. Returns the final decision when the trace was already decided (a late
   * span), else undefined (held). A late error span turns a dropped trace into an error keep.
   */
  observe(span: SpanFacts, nowMs: number): KeepReason | null | undefined {
    this.#countSpan(nowMs);
    let slow = false;
    if (span.entryEndpoint !== undefined) {
      slow = span.durationMs > this.#thresholds.thresholdMs(span.entryEndpoint, nowMs);
      this.#thresholds.observe(span.entryEndpoint, span.durationMs, nowMs);
    }
    const done = this.#final.get(span.traceId);
    if (done) {
      if (done.reason === null && span.isError && this.#take(span.entryEndpoint ?? '', 'error', nowMs)) {
        done.reason = 'error';
        this.#stats.kept.error++;
        this.#stats.dropped--;
      }
      return done.reason;
    }
    let trace = this.#held.get(span.traceId);
    if (!trace) {
      trace = {
        firstSeenMs: nowMs,
        error: false,
        slow: false,
        endpoint: span.entryEndpoint ?? '',
        hasRoot: false,
        local: undefined,
        remote: false,
      };
      this.#held.set(span.traceId, trace);
    }
    trace.error ||= span.isError;
    trace.slow ||= slow;
    if (span.isRoot) {
      trace.hasRoot = true;
      if (span.entryEndpoint !== undefined) trace.endpoint = span.entryEndpoint;
    } else if (trace.endpoint === '' && span.entryEndpoint !== undefined) {
      trace.endpoint = span.entryEndpoint;
    }
    return undefined;
  }

  /** Another agent kept these traces. */
  addRemote(traceIds: Iterable<string>): void {
    for (const id of traceIds) {
      const trace = this.#held.get(id);
      if (trace) trace.remote = true;
      else if (this.#final.get(id)?.reason === null) this.#stats.lateRemote++;
    }
  }

  /** Takes the local decisions that are due; returns the newly kept trace ids, to share with other agents. */
  decide(nowMs: number): string[] {
    const kept: string[] = [];
    const overflow = this.#held.size - this.#o.maxHeldTraces;
    let forced = 0;
    for (const [id, trace] of this.#held) {
      const due = nowMs - trace.firstSeenMs >= this.#o.decisionWaitMs || forced < overflow;
      if (!due) break; // insertion order = first-seen order
      if (trace.local !== undefined) continue;
      if (nowMs - trace.firstSeenMs < this.#o.decisionWaitMs) {
        forced++;
        this.#stats.forcedEarly++;
      }
      trace.local = this.#decideOne(id, trace, nowMs);
      if (trace.local !== null) kept.push(id);
    }
    return kept;
  }

  /** Final decisions that are due (after the hold, or forced early); each trace is reported once. */
  finalize(nowMs: number): [traceId: string, reason: KeepReason | null][] {
    const out: [string, KeepReason | null][] = [];
    const overflow = this.#held.size - this.#o.maxHeldTraces;
    for (const [id, trace] of this.#held) {
      const due = nowMs - trace.firstSeenMs >= this.#o.holdMs || out.length < overflow;
      if (!due) break;
      out.push([id, this.#finalizeOne(id, trace, nowMs)]);
    }
    this.#forget(nowMs);
    return out;
  }

  /**
   * Final decisions now for these traces, before their hold ends (the caller is over its memory budget);
   * counted as forced early. Traces not held are skipped.
   */
  finalizeNow(traceIds: Iterable<string>, nowMs: number): [traceId: string, reason: KeepReason | null][] {
    const out: [string, KeepReason | null][] = [];
    for (const id of traceIds) {
      const trace = this.#held.get(id);
      if (!trace) continue;
      this.#stats.forcedEarly++;
      out.push([id, this.#finalizeOne(id, trace, nowMs)]);
    }
    return out;
  }

  #finalizeOne(id: string, trace: HeldTrace, nowMs: number): KeepReason | null {
    if (trace.local === undefined) trace.local = this.#decideOne(id, trace, nowMs);
    const reason = trace.local ?? (trace.remote ? 'remote' : null);
    if (reason === null) this.#stats.dropped++;
    else if (trace.local === null) this.#stats.kept.remote++;
    this.#held.delete(id);
    this.#final.set(id, { reason, atMs: nowMs });
    return reason;
  }

  #forget(nowMs: number): void {
    // Bounded like the held traces: at high rates the oldest decisions go before their time is up.
    let excess = this.#final.size - this.#o.maxHeldTraces;
    for (const id of this.#final.keys()) {
      if (excess-- <= 0) break;
      this.#final.delete(id);
    }
    for (const [id, done] of this.#final) {
      if (nowMs - done.atMs < this.#o.rememberMs) break;
      this.#final.delete(id);
    }
  }

  stats(nowMs: number): SamplerStats {
    return {
      ...this.#stats,
      kept: { ...this.#stats.kept },
      held: this.#held.size,
      spanRate: this.#spanRate(nowMs),
    };
  }

  #decideOne(traceId: string, trace: HeldTrace, nowMs: number): KeepReason | null {
    let reason: KeepReason | null = null;
    if (trace.error) {
      if (this.#take(trace.endpoint, 'error', nowMs)) reason = 'error';
      else this.#stats.cappedError++;
    }
    if (reason === null && trace.slow) {
      if (this.#take(trace.endpoint, 'slow', nowMs)) reason = 'slow';
      else this.#stats.cappedSlow++;
    }
    if (reason === null && trace.hasRoot && this.#baselineDue(trace.endpoint, nowMs)) reason = 'baseline';
    if (reason === null) {
      const rate = this.#spanRate(nowMs);
      if (rate < this.#o.spanBudgetPerSecond) reason = 'budget';
      else if (traceHash(traceId) < this.#o.spanBudgetPerSecond / rate) reason = 'probability';
    }
    if (reason !== null) this.#stats.kept[reason]++;
    return reason;
  }

  /** A token bucket per endpoint and kind, refilled at the cap per second, one second of burst. */
  #take(endpoint: string, kind: 'error' | 'slow', nowMs: number): boolean {
    const cap = this.#o.capPerEndpointPerSecond;
    let b = this.#buckets.get(endpoint);
    if (!b) {
      b = { error: cap, slow: cap, atMs: nowMs };
      this.#buckets.set(endpoint, b);
    }
    const refill = ((nowMs - b.atMs) / 1000) * cap;
    b.error = Math.min(cap, b.error + refill);
    b.slow = Math.min(cap, b.slow + refill);
    b.atMs = nowMs;
    if (b[kind] < 1) return false;
    b[kind] -= 1;
    return true;
  }

  #baselineDue(endpoint: string, nowMs: number): boolean {
    const minute = Math.floor(nowMs / 60_000);
    const b = this.#baselines.get(endpoint);
    if (!b || b.minute !== minute) {
      this.#baselines.set(endpoint, { minute, count: 1 });
      return this.#o.baselinePerEndpointPerMinute >= 1;
    }
    if (b.count >= this.#o.baselinePerEndpointPerMinute) return false;
    b.count++;
    return true;
  }

  #countSpan(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    this.#advance(second);
    this.#rate[second % this.#rate.length]! += 1;
  }

  #advance(second: number): void {
    if (second <= this.#rateSecond) return;
    const n = this.#rate.length;
    for (let s = Math.max(this.#rateSecond + 1, second - n + 1); s <= second; s++) this.#rate[s % n] = 0;
    this.#rateSecond = second;
  }

  #spanRate(nowMs: number): number {
    this.#advance(Math.floor(nowMs / 1000));
    let sum = 0;
    for (const c of this.#rate) sum += c;
    return sum / this.#rate.length;
  }
}
