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
  /** The symptom and how it degraded; null when no service carried traffic in the range. */
  impact: InvestigationImpact | null;
  dependencies: RankedDependency[];
  hypotheses: Hypothesis[];
}

/** `investigations.trace`: the root cause inside one trace (§2.5). */
export interface TraceRootCause {
  traceId: string;
  /** The trace's first span start (ms), null for a trace without spans: the wizard investigates around it. */
  startMs: number | null;
  /** The service of the trace's root span (its entry), null when the root is missing. */
  entryService: string | null;
  /** The service whose self time exceeds its expectation the most, or the deepest failing one. */
  rootCause: { service: string; spanId: string; name: string; reason: 'error' | 'self-time' } | null;
  /** From the failing leaf up to the entry: each failing span's service, name and error. */
  errorChain: { service: string; spanId: string; name: string; error: string }[];
  /** Per service of the trace: its self time and the expectation it was compared with (ms). */
  services: { service: string; selfMs: number; expectedMs: number | null; totalMs: number }[];
}

export type FeedbackVerdict = 'confirm' | 'reject';

/** One endpoint of the symptom service: how its latency and error rate moved at the onset. */
export interface EndpointImpact {
  endpoint: string;
  /** Requests over the investigated range. */
  requests: number;
  /** Average latency (ms) before the onset and since it; null without requests. */
  latencyBefore: number | null;
  latencyAfter: number | null;
  /** Error rate (0…1) before the onset and since it. */
  errorRateBefore: number | null;
  errorRateAfter: number | null;
  /** The endpoint's own onset (its first minute that stayed abnormal), else null. */
  onsetMs: number | null;
  /** Whether its latency or error rate moved past the engine's floors at the onset. */
  degraded: boolean;
}

/**
 * The impact step of an investigation: the symptom service (the asked one, or the entry service whose
 * curves moved most), its endpoints, and its per-minute timeline on one time axis.
 */
export interface InvestigationImpact {
  service: string;
  endpoint: string | null;
  /** Most degraded first, at most 20. */
  endpoints: EndpointImpact[];
  /** One point per minute from the lookback's start: [start ms, value]. */
  timeline: {
    latencyP90Ms: [number, number | null][];
    /** Errors ÷ requests, 0…1. */
    errorRate: [number, number | null][];
    /** Error-level log records per minute. */
    logErrors: [number, number | null][];
  };
}

/** What a saved investigation keeps besides the result: the user's verdicts and notes. */
export interface InvestigationVerdict {
  rank: number;
  verdict: FeedbackVerdict;
  note: string;
}

/** A saved investigation as `investigations.list` lists it. */
export interface SavedInvestigationSummary {
  id: string;
  title: string;
  from: number;
  to: number;
  service: string | null;
  endpoint: string | null;
  /** The top hypothesis when it was saved: "database-latency in payments (0.93)", or null. */
  headline: string | null;
  createdBy: string;
  createdAt: number;
  /** Whether the caller may remove it (its owner, or an admin). */
  removable: boolean;
}

/** `investigations.get`: everything saved, drawable without re-running the investigation. */
export interface SavedInvestigation extends SavedInvestigationSummary {
  result: InvestigationResult;
  verdicts: InvestigationVerdict[];
  notes: string;
}
