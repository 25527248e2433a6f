/** Malformed OTLP/JSON: each failure must say what is wrong and where. */
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from './decode-result.ts';
import type { DecodeResult } from './decode-result.ts';
import { decodeLogsJson, decodeTracesJson } from './index.ts';

function failure<T>(result: DecodeResult<T>): OtlpDecodeError {
  if (result.ok) throw new Error('expected the decoder to fail');
  expect(result.error).toBeInstanceOf(OtlpDecodeError);
  return result.error;
}

describe('JSON decoding errors', () => {
  const spanJson = (span: Record<string, unknown>): string =>
    JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{}, span] }] }] });

  it('a trace id that is not hex', () => {
    const error = failure(decodeTracesJson(spanJson({ traceId: 'zz8efff798038103d269b633813fc60c' })));
    expect(error.path).toBe('resourceSpans[0].scopeSpans[0].spans[1].traceId');
    expect(error.message).toContain('expected a trace id in hex');
  });

  it('a base64 span id (what canonical protobuf JSON would send) is refused: OTLP/JSON ids are hex', () => {
    const error = failure(decodeTracesJson(spanJson({ spanId: 'AQIDBAUGBwg=' })));
    expect(error.path).toBe('resourceSpans[0].scopeSpans[0].spans[1].spanId');
  });

  it('an id of the wrong length', () => {
    const error = failure(decodeTracesJson(spanJson({ spanId: 'abcdef' })));
    expect(error.message).toContain('span id must be 16 hex characters (8 bytes), got 6');
  });

  it('an array where an object is expected, and the reverse', () => {
    const error = failure(decodeTracesJson('{"resourceSpans":[{"resource":[]}]}'));
    expect(error.path).toBe('resourceSpans[0].resource');
    expect(error.message).toContain('expected an object, got an array');
    expect(failure(decodeTracesJson('{"resourceSpans":{}}')).message).toBe(
      'resourceSpans: expected an array, got an object',
    );
    expect(failure(decodeTracesJson('[]')).message).toBe('expected an object, got an array');
    expect(failure(decodeTracesJson('{"resourceSpans":[[]]}')).path).toBe('resourceSpans[0]');
  });

  it('wrong scalar types name the field', () => {
    expect(failure(decodeTracesJson(spanJson({ startTimeUnixNano: true }))).path).toBe(
      'resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano',
    );
    expect(failure(decodeTracesJson(spanJson({ kind: 'SPAN_KIND_SIDEWAYS' }))).message).toContain(
      'unknown enum value "SPAN_KIND_SIDEWAYS"',
    );
    expect(failure(decodeTracesJson(spanJson({ droppedAttributesCount: -1 }))).message).toContain(
      'out of range for uint32',
    );
    expect(
      failure(decodeTracesJson(spanJson({ endTimeUnixNano: '18446744073709551616' }))).message,
    ).toContain('out of range for uint64');
    const attribute = failure(
      decodeTracesJson(spanJson({ attributes: [{ key: 'k', value: { intValue: '1.5' } }] })),
    );
    expect(attribute.path).toBe('resourceSpans[0].scopeSpans[0].spans[1].attributes[0].value.intValue');
    const bytesValue = failure(
      decodeLogsJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"bytesValue":"***"}}]}]}]}'),
    );
    expect(bytesValue.path).toBe('resourceLogs[0].scopeLogs[0].logRecords[0].body.bytesValue');
  });

  it('malformed JSON', () => {
    const error = failure(decodeTracesJson('{"resourceSpans": ['));
    expect(error.path).toBe('');
    expect(error.message).toMatch(/^malformed JSON: /);
    expect(failure(decodeTracesJson(new Uint8Array([0xff, 0xfe]))).message).toMatch(/^malformed JSON/);
  });
});
