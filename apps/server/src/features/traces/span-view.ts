/**
 * A span as the API returns it, and how much of it a read returns. Read and decoded in trace-queries.ts.
 */
import type { AttributeList } from '@apo/shared/model';

/**
 * A stored span as the API returns it. Times are nanoseconds since the epoch as bigint (exact). Attribute
 * maps are `[key, value]` lists (AttributeList): keys are user data and must never become object keys.
 */
export interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  service: string;
  serviceVersion: string;
  instance: string;
  cluster: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  durationNs: bigint;
  status: { code: number; message: string };
  attributes: AttributeList;
  resource: AttributeList;
  scope: { name: string; version: string };
  /** The first `maxSpanEvents` events; the rest are counted in `dropped.events`. */
  events: { timeUnixNano: bigint; name: string; attributes: AttributeList }[];
  /** The first `maxSpanLinks` links; the rest are counted in `dropped.links`. */
  links: { traceId: string; spanId: string; traceState: string; attributes: AttributeList }[];
  dropped: { attributes: number; events: number; links: number };
}

/**
 * How much of each span a read returns. One stored span may hold millions of events (nothing bounded them
 * at ingest before), and an answer must stay small enough to serialize without stalling the server.
 */
export interface SpanReadLimits {
  maxSpanEvents: number;
  maxSpanLinks: number;
}
