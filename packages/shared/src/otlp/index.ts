/**
 * Public surface of the OTLP codec: protobuf and JSON decoding straight into the domain model, protobuf
 * encoding from it, and the export responses. Decoders never throw: every failure, including an
 * unexpected one, comes back as an OtlpDecodeError naming where in the message it happened.
 * `@apo/shared/otlp`.
 */
import type { LogsData, MetricsData, TracesData } from '../model/telemetry.ts';
import { runDecoder } from './decode-failure.ts';
import type { DecodeLimits, DecodeResult } from './decode-result.ts';
import { decodeJsonBody } from './json-fields.ts';
import { readLogsJson } from './logs-json-decoder.ts';
import { readLogsData } from './logs-proto-decoder.ts';
import { readMetricsJson } from './metrics-json-decoder.ts';
import { readMetricsData } from './metrics-proto-decoder.ts';
import { readTracesJson } from './trace-json-decoder.ts';
import { readTracesData } from './trace-proto-decoder.ts';
import { WireReader } from './wire-reader.ts';

export { encodeTracesProto } from './trace-proto-encoder.ts';
export { encodeLogsProto } from './logs-proto-encoder.ts';
export { encodeMetricsProto } from './metrics-proto-encoder.ts';
export { encodeExportResponseProto, exportResponseJson } from './export-response.ts';
export type { PartialSuccess } from './export-response.ts';
export { countOtlpItems } from './item-count.ts';
export { OtlpDecodeError, type DecodeLimits, type DecodeResult, type DecodeStats } from './decode-result.ts';

export function decodeTracesProto(bytes: Uint8Array, limits?: DecodeLimits): DecodeResult<TracesData> {
  return runDecoder(limits, (ctx) => readTracesData(new WireReader(bytes), ctx));
}

export function decodeLogsProto(bytes: Uint8Array, limits?: DecodeLimits): DecodeResult<LogsData> {
  return runDecoder(limits, (ctx) => readLogsData(new WireReader(bytes), ctx));
}

export function decodeMetricsProto(bytes: Uint8Array, limits?: DecodeLimits): DecodeResult<MetricsData> {
  return runDecoder(limits, (ctx) => readMetricsData(new WireReader(bytes), ctx));
}

export function decodeTracesJson(body: Uint8Array | string, limits?: DecodeLimits): DecodeResult<TracesData> {
  return runDecoder(limits, (ctx) => decodeJsonBody(body, ctx, readTracesJson));
}

export function decodeLogsJson(body: Uint8Array | string, limits?: DecodeLimits): DecodeResult<LogsData> {
  return runDecoder(limits, (ctx) => decodeJsonBody(body, ctx, readLogsJson));
}

export function decodeMetricsJson(
  body: Uint8Array | string,
  limits?: DecodeLimits,
): DecodeResult<MetricsData> {
  return runDecoder(limits, (ctx) => decodeJsonBody(body, ctx, readMetricsJson));
}
