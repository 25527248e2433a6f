/**
 * Trace analytics (`traces.analytics.*`): the shapes the server returns and the console's tables draw, for
 * the traces of a search or of a scatter selection.
 */

/** How many traces an analysis read, and whether its bound cut them. */
export interface TraceSample {
  traces: number;
  capped: boolean;
  maxTraces: number;
}

/** Failed spans none of whose children failed, grouped by service, operation and exception type. */
export interface ErrorOrigin {
  service: string;
  operation: string;
  exceptionType: string;
  traces: number;
  spans: number;
  exampleTraceId: string;
  message: string;
}

export interface LatencyShare {
  service: string;
  operation: string;
  spans: number;
  traces: number;
  /** Time spent in these spans themselves, not waiting on their children, summed over the traces. */
  selfNs: number;
  durationNs: number;
  /** selfNs as a share (0–1) of the self time of every span read. */
  share: number;
}

export interface AttributeShare {
  key: string;
  value: string;
  groupTraces: number;
  baselineTraces: number;
  /** Shares (0–1) of the group's and of the baseline's traces with a span (or resource) carrying key=value. */
  groupShare: number;
  baselineShare: number;
  difference: number;
}
