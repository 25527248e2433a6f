/**
 * Trace and span ids found in log lines → the model's lower-case hex ids ('' when absent or invalid).
 * 64-bit trace ids (Jaeger, Zipkin B3 short form) are widened to 128 bits with leading zeros, as the W3C
 * trace-context spec says; all-zero ids are invalid there and are dropped.
 */

const HEX = /^[0-9a-fA-F]+$/;
const ZEROS = /^0+$/;

export function normalizeTraceId(text: string): string {
  if ((text.length !== 32 && text.length !== 16) || !HEX.test(text) || ZEROS.test(text)) return '';
  const lower = text.toLowerCase();
  return lower.length === 16 ? '0000000000000000' + lower : lower;
}

export function normalizeSpanId(text: string): string {
  if (text.length !== 16 || !HEX.test(text) || ZEROS.test(text)) return '';
  return text.toLowerCase();
}

// `trace_id=…`, `traceId: …`, `trace.id="…"`, `TraceID=…`; the value may be quoted.
const TRACE_IN_TEXT = /\btrace[_.-]?id["']?\s*[=:]\s*["']?([0-9a-fA-F]{16,32})\b/i;
const SPAN_IN_TEXT = /\bspan[_.-]?id["']?\s*[=:]\s*["']?([0-9a-fA-F]{16})\b/i;

/** Ids written as key=value pairs inside free text. Returns '' for each one not found. */
export function traceContextInText(text: string): { traceId: string; spanId: string } {
  // A plain indexOf gate keeps the regular expressions off the lines that cannot match (most of them).
  if (text.indexOf('race') === -1 && text.indexOf('RACE') === -1) return NO_CONTEXT;
  const trace = TRACE_IN_TEXT.exec(text);
  if (trace === null) return NO_CONTEXT;
  const traceId = normalizeTraceId(trace[1]!);
  if (traceId === '') return NO_CONTEXT;
  const span = SPAN_IN_TEXT.exec(text);
  return { traceId, spanId: span === null ? '' : normalizeSpanId(span[1]!) };
}

const NO_CONTEXT = { traceId: '', spanId: '' } as const;
