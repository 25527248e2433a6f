import type { LogRecord } from '@apo/shared/model';
import { describe, expect, it } from 'vitest';
import { LogLineParser, type LogFormat } from './log-line-parser.ts';
import { Severity, severityFromPinoLevel, severityFromWord } from './severity.ts';

const OBSERVED = 1_800_000_000_000_000_000n;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

function parse(line: string, format: LogFormat = 'auto', truncated = false): LogRecord {
  return new LogLineParser(format, '/var/log/app/app.log', 'app.log').parse(line, OBSERVED, truncated);
}

/** The attributes without the two every record has. */
function extra(record: LogRecord): Record<string, unknown> {
  const { ['log.file.path']: _path, ['log.file.name']: _name, ...rest } = record.attributes;
  return { ...rest };
}

const ms = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;

describe('every record', () => {
  it('carries the file path and name, and the observed time as time when the line has none', () => {
    const record = parse('just words');
    expect(record.attributes['log.file.path']).toBe('/var/log/app/app.log');
    expect(record.attributes['log.file.name']).toBe('app.log');
    expect(record.timeUnixNano).toBe(OBSERVED);
    expect(record.observedTimeUnixNano).toBe(OBSERVED);
    expect(record.body).toBe('just words');
    expect(record.severityNumber).toBe(0);
    expect(Object.getPrototypeOf(record.attributes)).toBeNull();
  });

  it('flags a cut line with log.truncated', () => {
    expect(parse('abc', 'auto', true).attributes['log.truncated']).toBe(true);
    expect(parse('abc').attributes['log.truncated']).toBeUndefined();
  });
});

describe('JSON lines', () => {
  it('reads pino lines: numeric level, epoch milliseconds, msg, the rest as attributes', () => {
    const record = parse(
      '{"level":50,"time":1700000000123,"pid":42,"hostname":"h1","msg":"boom","ok":true,"ratio":0.5}',
    );
    expect(record.severityNumber).toBe(Severity.Error);
    expect(record.severityText).toBe('ERROR');
    expect(record.timeUnixNano).toBe(1_700_000_000_123_000_000n);
    expect(record.body).toBe('boom');
    expect(extra(record)).toEqual({ pid: 42n, hostname: 'h1', ok: true, ratio: 0.5 });
  });

  it('maps every pino level', () => {
    const levels = [10, 20, 30, 40, 50, 60].map((level) => parse(`{"level":${level}}`).severityNumber);
    expect(levels).toEqual([1, 5, 9, 13, 17, 21]);
  });

  it('reads ISO times, text levels, message and trace context under their other spellings', () => {
    const record = parse(
      `{"@timestamp":"2024-05-01T10:00:00.5Z","severity":"warning","message":"slow","traceId":"${TRACE}","spanId":"${SPAN}"}`,
    );
    expect(record.timeUnixNano).toBe(ms('2024-05-01T10:00:00.500Z'));
    expect(record.severityNumber).toBe(Severity.Warn);
    expect(record.severityText).toBe('warning');
    expect(record.body).toBe('slow');
    expect(record.traceId).toBe(TRACE);
    expect(record.spanId).toBe(SPAN);
    expect(extra(record)).toEqual({});
  });

  it('reads ECS lines with nested log.level, trace.id and span.id', () => {
    const record = parse(
      `{"@timestamp":"2024-05-01T10:00:00Z","log":{"level":"error","logger":"db"},"trace":{"id":"${TRACE.toUpperCase()}"},"span":{"id":"${SPAN}"},"message":"x"}`,
    );
    expect(record.severityNumber).toBe(Severity.Error);
    expect(record.traceId).toBe(TRACE);
    expect(record.spanId).toBe(SPAN);
    expect(extra(record)).toEqual({ 'log.logger': 'db' });
  });

  it('flattens nested objects with dots and keeps arrays as arrays', () => {
    const record = parse(
      '{"msg":"m","http":{"method":"GET","response":{"status":200}},"tags":["a",1],"empty":{},"n":null}',
    );
    expect(extra(record)).toEqual({
      'http.method': 'GET',
      'http.response.status': 200n,
      tags: ['a', 1n],
      empty: {},
      n: null,
    });
  });

  it('takes epoch seconds, microseconds and nanoseconds, keeping all digits of nanoseconds', () => {
    expect(parse('{"ts":1700000000.5}').timeUnixNano).toBe(1_700_000_000_500_000_000n);
    expect(parse('{"ts":1700000000123456}').timeUnixNano).toBe(1_700_000_000_123_456_000n);
    expect(parse('{"time":1700000000123456789}').timeUnixNano).toBe(1_700_000_000_123_456_789n);
    expect(parse('{"time":"1700000000123456789"}').timeUnixNano).toBe(1_700_000_000_123_456_789n);
  });

  it('keeps a well-known key whose value does not fit as an attribute', () => {
    const record = parse(
      '{"msg":"m","time":"yesterday","trace_id":"1-5759e988-bd862e3fe1be46a994272793","span_id":42}',
    );
    expect(record.timeUnixNano).toBe(OBSERVED);
    expect(record.traceId).toBe('');
    expect(extra(record)).toEqual({
      time: 'yesterday',
      trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      span_id: 42n,
    });
  });

  it('uses the first of two message keys and keeps the other', () => {
    const record = parse('{"msg":"first","message":"second"}');
    expect(record.body).toBe('first');
    expect(extra(record)).toEqual({ message: 'second' });
  });

  it('keeps the whole line as the body when there is no message key', () => {
    const line = '{"event":"login","user":"bob"}';
    const record = parse(line);
    expect(record.body).toBe(line);
    expect(extra(record)).toEqual({ event: 'login', user: 'bob' });
  });

  it('treats a key named __proto__ as data', () => {
    const record = parse('{"msg":"m","__proto__":{"polluted":1}}');
    expect(extra(record)).toEqual({ '__proto__.polluted': 1n });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a line that only looks like JSON as text', () => {
    const record = parse('{not json} ERROR x');
    expect(record.body).toBe('{not json} ERROR x');
    expect(parse('["array","line"]').body).toBe('["array","line"]');
  });

  it('does not try JSON in text format, and tries it without a leading brace in json format', () => {
    expect(parse('{"msg":"m"}', 'text').body).toBe('{"msg":"m"}');
    expect(parse('  {"msg":"m"}', 'json').body).toBe('m');
  });
});

describe('text lines', () => {
  it('reads a leading ISO timestamp, a severity word and trace context, keeping the line as the body', () => {
    const line = `2024-05-01T10:00:00.123456789Z ERROR payment failed trace_id=${TRACE} span_id=${SPAN} amount=12`;
    const record = parse(line);
    expect(record.timeUnixNano).toBe(ms('2024-05-01T10:00:00.123Z') + 456_789n);
    expect(record.severityNumber).toBe(Severity.Error);
    expect(record.severityText).toBe('ERROR');
    expect(record.traceId).toBe(TRACE);
    expect(record.spanId).toBe(SPAN);
    expect(record.body).toBe(line);
    expect(extra(record)).toEqual({});
  });

  it('finds the level in the common layouts (logback, log4j, Python, bracketed)', () => {
    const cases: [string, number, string][] = [
      ['2024-05-01 10:00:00.123 [main] WARN  com.acme.Db - slow query', Severity.Warn, 'WARN'],
      ['2024-05-01 10:00:00,123 - root - INFO - started', Severity.Info, 'INFO'],
      ['[2024-05-01T10:00:00Z] [error] disk full', Severity.Error, 'error'],
      ['2024-05-01T10:00:00Z <fatal> gone', Severity.Fatal, 'fatal'],
      ['2024-05-01T10:00:00Z DEBUG: x', Severity.Debug, 'DEBUG'],
      ['ERROR no timestamp here', Severity.Error, 'ERROR'],
      ['[WARN] no timestamp here', Severity.Warn, 'WARN'],
    ];
    for (const [line, number, text] of cases) {
      const record = parse(line);
      expect([record.severityNumber, record.severityText], line).toEqual([number, text]);
    }
  });

  it('does not take a word deep inside the message, or a non-level first word, as the level', () => {
    expect(parse('2024-05-01T10:00:00Z user bob saw an error page').severityNumber).toBe(0);
    expect(parse('Information about errors').severityNumber).toBe(0);
    expect(parse('Warning signs were ignored').severityNumber).toBe(0);
    expect(parse('connection error').severityNumber).toBe(0);
    // Upper case or decorated, the first word is a level even without a timestamp.
    expect(parse('Error: connection refused').severityNumber).toBe(Severity.Error);
    expect(parse('WARNING disk at 91%').severityNumber).toBe(Severity.Warn);
  });

  it('widens a 64-bit trace id and ignores ids that are not hex of the right length', () => {
    expect(parse('x traceId=a3ce929d0e0e4736').traceId).toBe('0000000000000000a3ce929d0e0e4736');
    expect(parse('x trace_id=xyz').traceId).toBe('');
    expect(parse(`x trace_id=00000000000000000000000000000000 span_id=${SPAN}`).traceId).toBe('');
    expect(parse(`x TraceID: "${TRACE}"`).traceId).toBe(TRACE);
  });

  it('reads logfmt: known keys into fields, msg as the body, the rest as string attributes', () => {
    const record = parse(
      `time=2024-05-01T10:00:00Z level=warn msg="disk \\"sda\\" slow" disk=sda latency_ms=120 trace_id=${TRACE}`,
    );
    expect(record.timeUnixNano).toBe(ms('2024-05-01T10:00:00Z'));
    expect(record.severityNumber).toBe(Severity.Warn);
    expect(record.body).toBe('disk "sda" slow');
    expect(record.traceId).toBe(TRACE);
    expect(extra(record)).toEqual({ disk: 'sda', latency_ms: '120' });
  });

  it('reads prose that starts with key=value as free text', () => {
    const line = 'user=bob logged in from 10.0.0.1';
    const record = parse(line);
    expect(record.body).toBe(line);
    expect(extra(record)).toEqual({});
  });
});

describe('severity', () => {
  it('maps words in any case to OTLP numbers', () => {
    const table: [string, number][] = [
      ['TRACE', 1],
      ['debug', 5],
      ['Info', 9],
      ['NOTICE', 10],
      ['warn', 13],
      ['WARNING', 13],
      ['error', 17],
      ['ERR', 17],
      ['SEVERE', 17],
      ['critical', 18],
      ['FATAL', 21],
      ['panic', 21],
      ['emerg', 21],
      ['banana', 0],
      ['', 0],
    ];
    for (const [word, number] of table) expect(severityFromWord(word), word).toBe(number);
  });

  it('maps pino levels, rounding in-between values down, and refuses others', () => {
    expect(severityFromPinoLevel(35)).toEqual({ number: 9, text: 'INFO' });
    expect(severityFromPinoLevel(5)).toBeUndefined();
    expect(severityFromPinoLevel(70)).toBeUndefined();
  });
});
