/** Targeted malformed protobuf input: each failure must say what is wrong and where. */
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from './decode-result.ts';
import type { DecodeLimits, DecodeResult } from './decode-result.ts';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from './index.ts';
import { referenceTypes } from './testing/otlp-proto-reference.ts';
import { WireWriter } from './wire-writer.ts';

function failure<T>(result: DecodeResult<T>): OtlpDecodeError {
  if (result.ok) throw new Error('expected the decoder to fail');
  expect(result.error).toBeInstanceOf(OtlpDecodeError);
  return result.error;
}

/** Raw protobuf bytes built field by field (to say things a well-behaved encoder never would). */
function bytes(write: (w: WireWriter) => void): Uint8Array {
  const w = new WireWriter(64);
  write(w);
  return w.finish();
}

function nested(w: WireWriter, tag: number, write: (w: WireWriter) => void): void {
  w.uint32(tag);
  const mark = w.begin();
  write(w);
  w.end(mark);
}

/** TracesData with one ResourceSpans holding one ScopeSpans holding one Span whose body `span` writes. */
function oneSpan(span: (w: WireWriter) => void): Uint8Array {
  return bytes((w) => nested(w, 10, (rs) => nested(rs, 18, (ss) => nested(ss, 18, span))));
}

const SPAN_PATH = 'resourceSpans[0].scopeSpans[0].spans[0]';

describe('protobuf decoding errors', () => {
  it('a trace id of the wrong length names the span by its position', () => {
    const span = (traceId: Uint8Array): Record<string, unknown> => ({
      traceId,
      spanId: new Uint8Array(8),
      name: 's',
    });
    const good = new Uint8Array(16);
    const request = {
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [span(good)] },
            { spans: [span(good), span(good), span(good), span(new Uint8Array(5))] },
          ],
        },
      ],
    };
    const encoded = referenceTypes().traces.encode(referenceTypes().traces.fromObject(request)).finish();
    const error = failure(decodeTracesProto(encoded));
    expect(error.path).toBe('resourceSpans[0].scopeSpans[1].spans[3].traceId');
    expect(error.message).toBe(
      'resourceSpans[0].scopeSpans[1].spans[3].traceId: trace id must be 16 bytes, got 5',
    );
  });

  it('a log record is named by its position in the envelope, as spans are', () => {
    const record = (traceId: Uint8Array) => ({ body: { stringValue: 'x' }, traceId });
    const request = {
      resourceLogs: [
        { scopeLogs: [{ logRecords: [record(new Uint8Array(16))] }] },
        {
          scopeLogs: [
            { logRecords: [] },
            { logRecords: [record(new Uint8Array(16)), record(new Uint8Array(3))] },
          ],
        },
      ],
    };
    const encoded = referenceTypes().logs.encode(referenceTypes().logs.fromObject(request)).finish();
    expect(failure(decodeLogsProto(encoded)).message).toBe(
      'resourceLogs[1].scopeLogs[1].logRecords[1].traceId: trace id must be 16 bytes, got 3',
    );
  });

  it('a broken resource, scope or schema URL is named as such', () => {
    // A length prefix that runs past the end of its container, at each level of the envelope.
    const cut = (w: WireWriter, tag: number) => {
      w.uint32(tag);
      w.uint32(50);
    };
    const resource = bytes((w) => nested(w, 10, (rs) => cut(rs, 10)));
    const scope = bytes((w) => nested(w, 10, (rs) => nested(rs, 18, (ss) => cut(ss, 10))));
    const schemaUrl = bytes((w) => nested(w, 10, (rs) => nested(rs, 18, (ss) => cut(ss, 26))));
    expect(failure(decodeTracesProto(resource)).path).toBe('resourceSpans[0].resource');
    expect(failure(decodeLogsProto(scope)).path).toBe('resourceLogs[0].scopeLogs[0].scope');
    expect(failure(decodeMetricsProto(schemaUrl)).path).toBe('resourceMetrics[0].scopeMetrics[0].schemaUrl');
  });

  it('a span id of the wrong length', () => {
    const error = failure(
      decodeTracesProto(
        oneSpan((w) => {
          w.uint32(34);
          w.bytes(new Uint8Array(7));
        }),
      ),
    );
    expect(error.path).toBe(`${SPAN_PATH}.parentSpanId`);
    expect(error.message).toContain('span id must be 8 bytes, got 7');
  });

  it('a truncated varint', () => {
    // A span whose `kind` varint is cut off by the end of the input.
    const encoded = oneSpan((w) => {
      w.uint32(48);
      w.uint32(300);
    });
    const error = failure(decodeTracesProto(encoded.subarray(0, encoded.length - 1)));
    expect(error.message).toMatch(/truncated varint|runs past the end/);
    expect(failure(decodeTracesProto(new Uint8Array([0x0a, 0x80]))).message).toBe(
      'resourceSpans[0]: truncated varint',
    );
  });

  it('a varint longer than 10 bytes', () => {
    // Raw bytes: kind (tag 48) followed by 10 continuation bytes and a final byte.
    const span = [48, ...new Array<number>(10).fill(0xff), 0x01];
    const wrap = (tag: number, body: number[]): number[] => [tag, body.length, ...body];
    const error = failure(decodeTracesProto(new Uint8Array(wrap(10, wrap(18, wrap(18, span))))));
    expect(error.path).toBe(`${SPAN_PATH}.kind`);
    expect(error.message).toContain('varint longer than 10 bytes');
  });

  it('a length past the end of the input and past the end of its parent message', () => {
    expect(failure(decodeTracesProto(new Uint8Array([0x0a, 0x05, 0x00]))).message).toBe(
      'resourceSpans[0]: length 5 runs past the end of the enclosing message (1 bytes left)',
    );
    // The span claims 3 bytes for its name, but its own length says it has only 2 left.
    const lying = new Uint8Array([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x2a, 0x03, 0x61, 0x62, 0x63, 0x64]);
    const error = failure(decodeTracesProto(lying));
    expect(error.path).toBe(`${SPAN_PATH}.name`);
    expect(error.message).toContain('runs past the end of the enclosing message');
  });

  it('a known field with the wrong wire type', () => {
    const error = failure(
      decodeTracesProto(
        oneSpan((w) => {
          w.uint32((9 << 3) | 0); // attributes as a varint
          w.uint32(1);
        }),
      ),
    );
    expect(error.path).toBe(`${SPAN_PATH}.attributes[0]`);
    expect(error.message).toContain('field 9 has wire type varint, expected length-delimited');
  });

  it('names the failing place inside nested attribute values', () => {
    const error = failure(
      decodeTracesProto(
        oneSpan((w) => {
          nested(w, 74, (kv) => {
            kv.uint32(10);
            kv.string('k');
            nested(kv, 18, (any) =>
              nested(any, 42, (array) => {
                nested(array, 10, (v) => v.uint32(10)); // values[0]: a string_value tag with no length
              }),
            );
          });
        }),
      ),
    );
    expect(error.path).toBe(`${SPAN_PATH}.attributes[0].value.arrayValue.values[0]`);
  });

  it('invalid wire types, a stray end-group and mismatched groups', () => {
    expect(failure(decodeTracesProto(new Uint8Array([(7 << 3) | 6]))).message).toContain(
      'invalid wire type 6',
    );
    expect(failure(decodeTracesProto(new Uint8Array([(7 << 3) | 4]))).message).toContain(
      'unexpected end-group',
    );
    expect(failure(decodeTracesProto(new Uint8Array([(7 << 3) | 3, (8 << 3) | 4]))).message).toContain(
      'group 7 closed by end-group 8',
    );
    expect(failure(decodeTracesProto(new Uint8Array([(7 << 3) | 3]))).message).toContain(
      'group 7 is not closed',
    );
    expect(failure(decodeTracesProto(new Uint8Array([0x00]))).message).toContain('invalid field number 0');
  });

  it('a packed fixed64 field whose length is not a multiple of 8', () => {
    const encoded = bytes((w) =>
      nested(w, 10, (rm) =>
        nested(rm, 18, (sm) =>
          nested(sm, 18, (m) =>
            nested(m, 74, (h) =>
              nested(h, 10, (p) => {
                p.uint32(50);
                p.bytes(new Uint8Array(12));
              }),
            ),
          ),
        ),
      ),
    );
    const error = failure(decodeMetricsProto(encoded));
    expect(error.path).toBe(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].histogram.dataPoints[0].bucketCounts',
    );
    expect(error.message).toContain('not a multiple of 8');
  });

  it('values nested absurdly deep', () => {
    let value: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 200; i++) {
      const inner = value;
      value = bytes((w) =>
        nested(w, 42, (array) => {
          array.uint32(10);
          array.bytes(inner);
        }),
      );
    }
    const error = failure(
      decodeTracesProto(
        oneSpan((w) =>
          nested(w, 74, (kv) => {
            kv.uint32(18);
            kv.bytes(value);
          }),
        ),
      ),
    );
    expect(error.message).toContain('nested deeper than 64');
  });

  it('converts even a failure outside the decoder (hostile limits) into an OtlpDecodeError', () => {
    const hostile = {
      get maxAttributes(): number {
        throw new Error('nope');
      },
    } as DecodeLimits;
    expect(failure(decodeTracesProto(new Uint8Array(0), hostile)).message).toContain('nope');
  });
});

describe('protobuf decoding leniency', () => {
  it('skips unknown fields of every wire type, groups included', () => {
    const encoded = oneSpan((w) => {
      w.uint32(42);
      w.string('before');
      w.uint32((99 << 3) | 0);
      w.varint64(-1n);
      w.uint32((99 << 3) | 1);
      w.fixed64(1n);
      w.uint32((99 << 3) | 2);
      w.string('unknown');
      w.uint32((99 << 3) | 5);
      w.fixed32(1);
      w.uint32((100 << 3) | 3);
      w.uint32((1 << 3) | 0);
      w.uint32(5);
      w.uint32((2 << 3) | 3); // a group nested in the group
      w.uint32((2 << 3) | 4);
      w.uint32((100 << 3) | 4);
      w.uint32(48);
      w.uint32(3);
    });
    const result = decodeTracesProto(encoded);
    expect(result.ok && result.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]).toMatchObject({
      name: 'before',
      kind: 3,
    });
  });

  it('decodes invalid UTF-8 with replacement characters', () => {
    const encoded = oneSpan((w) => {
      w.uint32(42);
      w.bytes(new Uint8Array([0x61, 0xff, 0x62, 0xc3]));
    });
    const result = decodeTracesProto(encoded);
    expect(result.ok && result.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name).toBe('a\uFFFDb\uFFFD');
  });

  it('merges a message field that occurs twice, as protobuf requires', () => {
    const kv = (w: WireWriter, key: string): void =>
      nested(w, 10, (k) => {
        k.uint32(10);
        k.string(key);
      });
    const encoded = bytes((w) =>
      nested(w, 10, (rs) => {
        nested(rs, 10, (r) => kv(r, 'a'));
        nested(rs, 10, (r) => kv(r, 'b'));
      }),
    );
    const result = decodeTracesProto(encoded);
    expect(result.ok && Object.keys(result.value.resourceSpans[0]!.resource.attributes)).toEqual(['a', 'b']);
  });

  it('accepts repeated scalars packed and unpacked', () => {
    const encoded = bytes((w) =>
      nested(w, 10, (rm) =>
        nested(rm, 18, (sm) =>
          nested(sm, 18, (m) =>
            nested(m, 74, (h) =>
              nested(h, 10, (p) => {
                p.uint32(49);
                p.fixed64(1n);
                p.uint32(50);
                p.uint32(16);
                p.fixed64(2n);
                p.fixed64(3n);
                p.uint32(57);
                p.double(0.5);
                nested(p, 58, (b) => b.double(1.5));
              }),
            ),
          ),
        ),
      ),
    );
    const result = decodeMetricsProto(encoded);
    const data = result.ok ? result.value.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.data : undefined;
    expect(data).toMatchObject({
      type: 'histogram',
      points: [{ bucketCounts: [1n, 2n, 3n], explicitBounds: [0.5, 1.5] }],
    });
  });

  it('copies bytes values out of the input, even from a Buffer-like input whose slice() aliases', () => {
    const encoded = oneSpan((w) =>
      nested(w, 74, (kv) => {
        kv.uint32(10);
        kv.string('b');
        nested(kv, 18, (any) => {
          any.uint32(58);
          any.bytes(new Uint8Array([1, 2, 3]));
        });
      }),
    );
    // Node's Buffer#slice returns a view sharing memory, not a copy; imitate it.
    const input = new Uint8Array(encoded);
    Object.defineProperty(input, 'slice', {
      value: (start?: number, end?: number) => input.subarray(start, end),
    });
    const result = decodeTracesProto(input);
    const value = result.ok
      ? result.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.b
      : undefined;
    expect(value).toEqual(new Uint8Array([1, 2, 3]));
    expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
    input.fill(0);
    expect(value).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('reads a request from a sub-range of a larger buffer', () => {
    const encoded = oneSpan((w) => {
      w.uint32(57);
      w.fixed64(1_750_000_000_000_000_001n);
    });
    const padded = new Uint8Array(encoded.length + 7);
    padded.set(encoded, 3);
    const result = decodeTracesProto(padded.subarray(3, 3 + encoded.length));
    expect(result.ok && result.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.startTimeUnixNano).toBe(
      1_750_000_000_000_000_001n,
    );
  });
});

describe('protobufjs agrees these inputs are malformed', () => {
  it('truncated and lying lengths', () => {
    const type = referenceTypes().traces;
    expect(() => type.decode(new Uint8Array([0x0a, 0x05, 0x00]))).toThrow();
    expect(() => type.decode(new Uint8Array([0x0a, 0x80]))).toThrow();
  });
});
