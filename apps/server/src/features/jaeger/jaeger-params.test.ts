import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parseLookback,
  parseSpanKind,
  parseTags,
  parseTraceId,
  parseTraceIds,
  parseTraceSearch,
} from './jaeger-params.ts';

const NOW = 1_765_000_000_000;
const search = (qs: string) => parseTraceSearch(new URLSearchParams(qs), NOW);

describe('trace ids', () => {
  it('reads 1 to 32 hex digits as 32 lowercase ones (Jaeger drops leading zeros)', () => {
    expect(parseTraceId('4BF92F3577B34DA6A3CE929D0E0E4736')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(parseTraceId('a3ce929d0e0e4736')).toBe('0000000000000000a3ce929d0e0e4736');
  });
  it('refuses anything else, naming the parameter', () => {
    expect(() => parseTraceId('xyz')).toThrow(
      `unable to parse param 'traceID': "xyz" is not a trace id (1 to 32 hex digits)`,
    );
    expect(() => parseTraceId('1'.repeat(33))).toThrow("param 'traceID'");
    expect(() => parseTraceIds(new URLSearchParams('traceID=abc&traceID=nothex'))).toThrow(
      `unable to parse param 'traceID': "nothex" is not a trace id`,
    );
  });
  it('takes repeated traceID values once each', () => {
    expect(parseTraceIds(new URLSearchParams('traceID=ab&traceID=AB&traceID=cd'))).toEqual([
      '000000000000000000000000000000ab',
      '000000000000000000000000000000cd',
    ]);
  });
});

describe('durations (Go syntax) in ms', () => {
  it.each([
    ['0', 0],
    ['1.5ms', 1.5],
    ['250us', 0.25],
    ['250µs', 0.25],
    ['100ns', 0.0001],
    ['2s', 2000],
    ['1h30m', 5_400_000],
    ['.5s', 500],
  ])('%s is %d ms', (raw, ms) => {
    expect(parseDuration(raw, 'minDuration')).toBeCloseTo(ms, 9);
  });
  it.each(['', '5', '-1s', '5 ms', '5x', 'ms', '1.2.3s', '5ms!'])('refuses "%s"', (raw) => {
    expect(() => parseDuration(raw, 'maxDuration')).toThrow(
      `unable to parse param 'maxDuration': "${raw}" is not a duration`,
    );
  });
});

describe('lookback', () => {
  it('reads the UI values and custom', () => {
    expect(parseLookback('1h')).toBe(3_600_000);
    expect(parseLookback('2d')).toBe(172_800_000);
    expect(parseLookback('30m')).toBe(1_800_000);
    expect(parseLookback('1w')).toBe(604_800_000);
    expect(parseLookback('custom')).toBeUndefined();
  });
  it('refuses an unknown one', () => {
    expect(() => parseLookback('1y')).toThrow(`unable to parse param 'lookback': "1y" is not a lookback`);
  });
});

describe('tags', () => {
  it('reads the JSON object and key:value pairs together', () => {
    expect(
      parseTags('{"http.route":"/orders","k":"a:b"}', ['db.system.name:postgresql', 'url:http://x']),
    ).toEqual([
      { key: 'db.system.name', value: 'postgresql' },
      { key: 'url', value: 'http://x' },
      { key: 'http.route', value: '/orders' },
      { key: 'k', value: 'a:b' },
    ]);
  });
  it('refuses JSON that is not an object of strings, and a pair without a key', () => {
    expect(() => parseTags('{"a":', [])).toThrow("unable to parse param 'tags': not JSON");
    expect(() => parseTags('["a"]', [])).toThrow(
      "unable to parse param 'tags': must be a JSON object of strings",
    );
    expect(() => parseTags('{"status":500}', [])).toThrow(
      `unable to parse param 'tags': the value of "status" must be a string`,
    );
    expect(() => parseTags(undefined, ['novalue'])).toThrow(
      `unable to parse param 'tag': "novalue" is not key:value`,
    );
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])));
    expect(() => parseTags(many, [])).toThrow("unable to parse param 'tags': at most 16 tags, got 17");
  });
});

describe('span kinds', () => {
  it('maps Jaeger names to stored OTLP numbers', () => {
    expect(
      ['', 'internal', 'server', 'client', 'producer', 'consumer'].map((k) => parseSpanKind(k, 'spanKind')),
    ).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => parseSpanKind('SPAN_KIND_SERVER', 'spanKind')).toThrow(
      `unable to parse param 'spanKind': "SPAN_KIND_SERVER" is not a span kind (internal, server, client, producer, consumer)`,
    );
  });
});

describe('trace search', () => {
  it('reads what the Jaeger UI sends: µs times, lookback, durations, tags, limit', () => {
    const got = search(
      'service=checkout&operation=GET%20%2Forders&start=1764999000000000&end=1765000000000999&lookback=1h' +
        '&minDuration=1ms&maxDuration=1.5s&limit=50' +
        '&tags=' +
        encodeURIComponent('{"error":"true","span.kind":"server","http.route":"/orders"}'),
    );
    expect(got).toEqual({
      from: 1_764_999_000_000,
      to: 1_765_000_000_001,
      service: 'checkout',
      operation: 'GET /orders',
      minDurationMs: 1,
      maxDurationMs: 1500,
      status: 'error',
      notFailed: false,
      kind: 2,
      attributes: [{ key: 'http.route', value: '/orders' }],
      limit: 50,
    });
  });

  it('goes back `lookback` from now without start and end, two days without either; limit 20 by default', () => {
    expect(search('service=a&lookback=2h')).toMatchObject({ from: NOW - 7_200_000, to: NOW, limit: 20 });
    expect(search('service=a')).toMatchObject({ from: NOW - 172_800_000, to: NOW });
    expect(search('service=a&lookback=custom&start=1764990000000000')).toMatchObject({
      from: 1_764_990_000_000,
      to: NOW,
    });
  });

  it('reads status tags: error=false, otel.status_code', () => {
    const notFailed = search('service=a&tag=error:false');
    expect(notFailed).toMatchObject({ notFailed: true, attributes: [] });
    expect(notFailed.status).toBeUndefined();
    expect(search('service=a&tag=otel.status_code:OK')).toMatchObject({ status: 'ok', attributes: [] });
    // Not a status value: an ordinary attribute filter.
    expect(search('service=a&tag=error:maybe')).toMatchObject({
      attributes: [{ key: 'error', value: 'maybe' }],
    });
  });

  it('answers bad input with the parameter it names', () => {
    expect(() => search('lookback=1h')).toThrow(
      "unable to parse param 'service': parameter 'service' is required",
    );
    expect(() => search('service=a&lookback=3x')).toThrow("param 'lookback'");
    expect(() => search('service=a&start=yesterday')).toThrow(
      `unable to parse param 'start': "yesterday" is not a time in microseconds since the epoch`,
    );
    expect(() => search('service=a&start=1765000000000000&end=1764000000000000')).toThrow(
      "unable to parse param 'end': empty time range",
    );
    expect(() => search('service=a&minDuration=2s&maxDuration=1s')).toThrow(
      "unable to parse param 'maxDuration': 'maxDuration' should be greater than 'minDuration'",
    );
    expect(() => search('service=a&limit=0')).toThrow(
      `unable to parse param 'limit': must be a whole number from 1 to 1000, got "0"`,
    );
    expect(() => search('service=a&limit=1001')).toThrow("param 'limit'");
    expect(() => search('service=a&tags=%7Bbad')).toThrow("unable to parse param 'tags': not JSON");
    expect(() => search('service=a&tag=span.kind:sideways')).toThrow(
      `unable to parse param 'tags': "sideways" is not a span kind`,
    );
  });
});
