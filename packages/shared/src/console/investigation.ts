/**
 * Guided troubleshooting (issue 17): what the server's `investigations.*` procedures return and the console
 * renders. An investigation is a ranked list of hypotheses, each a kind from a fixed vocabulary
 * (docs/investigations.md says what evidence each needs and how its confidence is computed), a location and
 * the evidence behind it, every item drawable without another query.
 */

/** The hypothesis vocabulary. A root cause is a state change or a saturated resource, never a symptom. */
export const HYPOTHESIS_KINDS = [
  'self-latency',
  'cpu-saturation',
  'lock-contention',
  'gc-pressure',
  'memory-pressure',
  'disk-io',
  'database-latency',
  'database-errors',
  'connection-pool-exhaustion',
  'dependency-timeout',
  'dependency-errors',
  'error-burst',
  'crash-restarts',
  'deployment',
] as const;
export type HypothesisKind = (typeof HYPOTHESIS_KINDS)[number];

/** Where a series comes from, so the console can label it and re-query it for another range. */
export interface EvidenceQuery {
  source: 'red_server' | 'red_client' | 'metrics' | 'logs' | 'spans';
  service: string;
  /** What is plotted, e.g. `latency.avg`, `self.avg`, `error.rate`, `process.cpu.time/min`. */
  measure: string;
  instance?: string | undefined;
  endpoint?: string | undefined;
  /** A client call's peer or database (`red_client`), or a metric name's label filter. */
  target?: string | undefined;
}

export type InvestigationEvidence =
  | {
      type: 'series';
      title: string;
      unit: string;
      query: EvidenceQuery;
      /** One point per minute: [start ms, value] (null where nothing was measured). */
      points: [number, number | null][];
      /** The baseline (median before the onset) and the onset minute, when one was found. */
      baseline: number | null;
      onsetMs: number | null;
    }
  | { type: 'traces'; title: string; traceIds: string[] }
  | {
      type: 'logs';
      title: string;
      lines: {
        ts: number;
        service: string;
        instance: string;
        severity: string;
        body: string;
        traceId: string;
      }[];
    }
  | {
      type: 'events';
      title: string;
      events: { ts: number; name: string; service: string; instance: string; detail: string }[];
    };

export interface Hypothesis {
  /** 1 = most likely. */
  rank: number;
  kind: HypothesisKind;
  service: string;
  instance?: string | undefined;
  endpoint?: string | undefined;
  /** The dependency (service, database, peer) the hypothesis is about, where one applies. */
  target?: string | undefined;
  /** 0…1; with no fault no hypothesis exceeds 0.5 (docs/investigations.md). */
  confidence: number;
  /** One sentence, plain words. */
  summary: string;
  evidence: InvestigationEvidence[];
}

/** A dependency of the symptom ranked by how similar its curves are to the symptom's (PRODUCT.md §2.2). */
export interface RankedDependency {
  service: string;
  /** Correlation of the latency / error-rate curves with the symptom's, best lag, −1…1. */
  similarity: number;
  /** Whether the dependency's own (self) time or its dependencies explain its latency (§2.3). */
  delaySource: 'self' | 'dependency' | null;
}

export interface InvestigationResult {
  id: string;
  from: number;
  to: number;
  service: string | null;
  endpoint: string | null;
  /** The symptom's onset (ms), null when nothing abnormal was found. */
  onsetMs: number | null;
  dependencies: RankedDependency[];
  hypotheses: Hypothesis[];
}

/** `investigations.trace`: the root cause inside one trace (§2.5). */
export interface TraceRootCause {
  traceId: string;
  /** The service whose self time exceeds its expectation the most, or the deepest failing one. */
  rootCause: { service: string; spanId: string; name: string; reason: 'error' | 'self-time' } | null;
  /** From the failing leaf up to the entry: each failing span's service, name and error. */
  errorChain: { service: string; spanId: string; name: string; error: string }[];
  /** Per service of the trace: its self time and the expectation it was compared with (ms). */
  services: { service: string; selfMs: number; expectedMs: number | null; totalMs: number }[];
}

export type FeedbackVerdict = 'confirm' | 'reject';
