/**
 * Export*ServiceResponse (opentelemetry/proto/collector/{trace,logs,metrics}/v1/*_service.proto):
 *   Export*ServiceResponse { 1 Export*PartialSuccess partial_success }
 *   Export*PartialSuccess { 1 int64 rejected_spans | rejected_log_records | rejected_data_points, 2 string error_message }
 * A full success is the empty message, as the OTLP spec asks servers to send.
 */
import type { SignalType } from '../model/telemetry.ts';
import { writeString } from './common-proto-encoder.ts';
import { encodeWith } from './wire-writer.ts';

export interface PartialSuccess {
  rejected: bigint | number;
  errorMessage: string;
}

function rejectedCount(partial: PartialSuccess): bigint {
  const { rejected } = partial;
  return typeof rejected === 'bigint' ? rejected : BigInt(Math.trunc(rejected));
}

export function encodeExportResponseProto(partial?: PartialSuccess): Uint8Array {
  if (partial === undefined) return new Uint8Array(0);
  return encodeWith((w) => {
    w.uint32(10);
    const mark = w.begin();
    const rejected = rejectedCount(partial);
    if (rejected !== 0n) {
      w.uint32(8);
      w.varint64(rejected);
    }
    writeString(w, 18, partial.errorMessage);
    w.end(mark);
  });
}

const REJECTED_FIELD = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
} as const;

/** The OTLP/JSON response body: int64 as a decimal string, per the protobuf JSON mapping. */
export function exportResponseJson(signal: SignalType, partial?: PartialSuccess): Record<string, unknown> {
  if (partial === undefined) return {};
  return {
    partialSuccess: {
      [REJECTED_FIELD[signal]]: rejectedCount(partial).toString(),
      errorMessage: partial.errorMessage,
    },
  };
}
