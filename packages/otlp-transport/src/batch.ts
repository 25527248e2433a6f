import type { SignalType } from '@apo/shared/model';

/**
 * One OTLP export request on its way to the next hop, exactly as it will be sent: the body is already
 * encoded (and compressed when `contentEncoding` says so), so the proxy can forward agent batches untouched.
 * The batch id travels as `X-APO-Batch-Id` and makes every retry idempotent at the server.
 */
export interface OutboundBatch {
  signal: SignalType;
  batchId: string;
  contentType: 'application/x-protobuf' | 'application/json';
  /**
   * The agent sends gzip; `zstd` is for a process's own records (the agent's journal) and for bodies a relay
   * forwards as its sender compressed them (the server accepts gzip and zstd).
   */
  contentEncoding: 'gzip' | 'zstd' | 'identity';
  body: Uint8Array;
  /** Records in the batch (spans, log records or metric points), for counters only. */
  items: number;
  /** Extra request headers for the next hop (e.g. `X-APO-Cluster-Id` set by a proxy). */
  headers?: Readonly<Record<string, string>>;
}
