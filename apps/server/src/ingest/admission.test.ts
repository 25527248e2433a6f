import { describe, expect, it } from 'vitest';
import type {
  Attributes,
  LogRecord,
  LogsData,
  MetricsData,
  NumberDataPoint,
  Span,
  TracesData,
} from '@apo/shared/model';
import { RED_SERVER_METRIC } from '@apo/shared/red';
import { logRecord, logsRequest, span as fixtureSpan, spansRequest } from '../../test/support/fixtures.ts';
import { admitLogs, admitMetrics, admitTraces, describeNanos, type AdmissionRetention } from './admission.ts';

const NOW_MS = Date.parse('2026-03-10T12:00:00.000Z');
const DAY_NS = 86_400_000_000_000n;
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const retention: AdmissionRetention = { spans: 7, logs: 7, events: 90, metrics: 30, red: 40 };

const attrs = (entries: Record<string, string> = {}): Attributes =>
  Object.assign(Object.create(null) as Attributes, entries);

let ids = 0;
/** A span named s<n>, ending at NOW after a millisecond. */
const span = (over: Partial<Span> = {}): Span =>
  fixtureSpan({
    name: `s${++ids}`,
    startTimeUnixNano: NOW_NS - 1_000_000n,
    endTimeUnixNano: NOW_NS,
    ...over,
  });
const traces = (spans: Span[]) => spansRequest('svc', spans);
const spansOf = (data: TracesData) => data.resourceSpans[0]!.scopeSpans[0]!.spans;

describe('spans', () => {
  it('keeps spans started within [now − spans retention, now + 1 day] and rejects the others, naming the first', () => {
    // Span i started i days ago (plus a second, so day 7 is just beyond the window), as in the issue.
    const all = Array.from({ length: 101 }, (_, i) =>
      span({
        startTimeUnixNano: NOW_NS - BigInt(i) * DAY_NS - 1_000_000_000n,
        endTimeUnixNano: NOW_NS - BigInt(i) * DAY_NS,
      }),
    );
    const data = traces(all);
    const admission = admitTraces(data, retention, NOW_MS);
    expect(admission).toMatchObject({ received: 101, rejected: 94 });
    expect([...admission.byReason]).toEqual([['time', 94]]);
    expect(spansOf(data)).toEqual(all.slice(0, 7));
    expect(admission.message).toBe(
      '94 of 101 spans rejected: 94 with a startTimeUnixNano outside [2026-03-03T12:00:00.000Z, ' +
        "2026-03-11T12:00:00.000Z] (the spans' retention of 7 days, up to 1 day ahead); first: " +
        `${NOW_NS - 7n * DAY_NS - 1_000_000_000n} (2026-03-03T11:59:59.000Z)`,
    );
  });

  it.each([
    ['year 2500', 16_725_225_600_000_000_000n, '2500-01-01T00:00:00.000Z'],
    ['2^63 ns', 2n ** 63n, '2262-04-11T23:47:16.854Z'],
    ['u64 max', 2n ** 64n - 1n, '2554-07-21T23:34:33.709Z'],
    ['year 2261', 9_183_110_400_000_000_000n, '2261-01-01T00:00:00.000Z'],
    ['0', 0n, '1970-01-01T00:00:00.000Z'],
    ['1 ns', 1n, '1970-01-01T00:00:00.000Z'],
  ])('rejects a start at %s', (_, start, iso) => {
    const data = traces([span({ startTimeUnixNano: start, endTimeUnixNano: start }), span()]);
    const admission = admitTraces(data, retention, NOW_MS);
    expect(admission.rejected).toBe(1);
    expect(spansOf(data)).toHaveLength(1);
    expect(admission.message).toContain(`first: ${start} (${iso})`);
  });

  it('accepts the edges of the window', () => {
    const from = NOW_NS - 7n * DAY_NS;
    const to = NOW_NS + DAY_NS;
    const data = traces([
      span({ startTimeUnixNano: from, endTimeUnixNano: from }),
      span({ startTimeUnixNano: to, endTimeUnixNano: to }),
      span({ startTimeUnixNano: from - 1n, endTimeUnixNano: from }),
      span({ startTimeUnixNano: to + 1n, endTimeUnixNano: to + 1n }),
    ]);
    expect(admitTraces(data, retention, NOW_MS).rejected).toBe(2);
    expect(spansOf(data).map((s) => s.startTimeUnixNano)).toEqual([from, to]);
  });

  it('rejects a span that ends before it starts, or more than a day ahead', () => {
    const data = traces([
      span({ startTimeUnixNano: NOW_NS, endTimeUnixNano: NOW_NS - 1n }),
      span({ startTimeUnixNano: NOW_NS, endTimeUnixNano: NOW_NS + 2n * DAY_NS }),
      span({ startTimeUnixNano: NOW_NS, endTimeUnixNano: NOW_NS }),
    ]);
    const admission = admitTraces(data, retention, NOW_MS);
    expect([...admission.byReason]).toEqual([['end-time', 2]]);
    expect(admission.message).toContain(
      '2 with an endTimeUnixNano before its startTimeUnixNano or more than 1 day ahead; first: start',
    );
    expect(spansOf(data)).toHaveLength(1);
  });

  it('rejects empty or all-zero ids and kinds outside 0..5, naming the field; keeps the good spans', () => {
    const good = [span({ kind: 0 }), span({ kind: 5 })];
    const data = traces([
      span({ traceId: '' }),
      good[0]!,
      span({ traceId: '0'.repeat(32) }),
      span({ spanId: '' }),
      span({ spanId: '0'.repeat(16) }),
      span({ kind: 99 as Span['kind'] }),
      span({ kind: -1 as Span['kind'] }),
      good[1]!,
    ]);
    const admission = admitTraces(data, retention, NOW_MS);
    expect(spansOf(data)).toEqual(good);
    expect(Object.fromEntries(admission.byReason)).toEqual({ 'trace-id': 2, 'span-id': 2, kind: 2 });
    expect(admission.message).toMatch(
      /^6 of 8 spans rejected: 2 with an empty or all-zero traceId; first: span "s\d+"/,
    );
    expect(admission.message).toContain('2 with an empty or all-zero spanId');
    expect(admission.message).toContain('2 with a kind outside 0..5; first: kind 99');
  });

  it('stores an all-zero parent span id as none', () => {
    const data = traces([span({ parentSpanId: '0'.repeat(16) })]);
    admitTraces(data, retention, NOW_MS);
    expect(spansOf(data)[0]!.parentSpanId).toBe('');
  });

  it('leaves a clean request as it is, arrays included', () => {
    const data = traces([span(), span()]);
    const before = spansOf(data);
    expect(admitTraces(data, retention, NOW_MS)).toMatchObject({ rejected: 0, message: undefined });
    expect(spansOf(data)).toBe(before);
  });
});

const log = (over: Partial<LogRecord> = {}) => logRecord({ timeUnixNano: NOW_NS, ...over });
const logs = (records: LogRecord[]) => logsRequest('svc', records);
const recordsOf = (data: LogsData) => data.resourceLogs[0]!.scopeLogs[0]!.logRecords;

describe('log records', () => {
  it('checks the time, or the observed time when the time is 0, against the logs retention', () => {
    const old = NOW_NS - 8n * DAY_NS;
    const data = logs([
      log({ timeUnixNano: old, observedTimeUnixNano: NOW_NS }),
      log({ timeUnixNano: 0n, observedTimeUnixNano: old }),
      log({ timeUnixNano: 0n, observedTimeUnixNano: NOW_NS }),
      log(),
    ]);
    const admission = admitLogs(data, retention, NOW_MS);
    expect(admission.rejected).toBe(2);
    expect(recordsOf(data)).toHaveLength(2);
    expect(admission.message).toContain('1 with a timeUnixNano outside [2026-03-03T12:00:00.000Z');
    expect(admission.message).toContain('1 with an observedTimeUnixNano (timeUnixNano 0) outside');
  });

  it('checks events (an event name) against the events retention', () => {
    const old = NOW_NS - 30n * DAY_NS;
    const data = logs([
      log({ timeUnixNano: old, eventName: 'k8s.pod.restart' }),
      log({ timeUnixNano: old, attributes: attrs({ 'event.name': 'deploy' }) }),
      log({ timeUnixNano: old }),
    ]);
    const admission = admitLogs(data, retention, NOW_MS);
    expect(admission.rejected).toBe(1);
    expect(recordsOf(data).map((r) => r.eventName)).toEqual(['k8s.pod.restart', '']);
  });

  it('stamps a record without any time with the time the server observed it', () => {
    const data = logs([log({ timeUnixNano: 0n, observedTimeUnixNano: 0n })]);
    expect(admitLogs(data, retention, NOW_MS).rejected).toBe(0);
    expect(recordsOf(data)[0]!.observedTimeUnixNano).toBe(NOW_NS);
  });

  it('stores all-zero trace and span ids as no trace context', () => {
    const data = logs([log({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) })]);
    admitLogs(data, retention, NOW_MS);
    expect(recordsOf(data)[0]).toMatchObject({ traceId: '', spanId: '' });
  });
});

function point(time: bigint, start = 0n): NumberDataPoint {
  return {
    attributes: attrs(),
    startTimeUnixNano: start,
    timeUnixNano: time,
    flags: 0,
    value: 1,
    exemplars: [],
  };
}

function gauges(byName: Record<string, NumberDataPoint[]>): MetricsData {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attrs(), droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: '', version: '', attributes: attrs(), droppedAttributesCount: 0 },
            metrics: Object.entries(byName).map(([name, points]) => ({
              name,
              description: '',
              unit: '',
              metadata: attrs(),
              data: { type: 'gauge' as const, points },
            })),
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

describe('data points', () => {
  it('checks the time against the metrics retention, RED points against the RED retention', () => {
    const days35 = NOW_NS - 35n * DAY_NS;
    const data = gauges({
      'cpu.usage': [point(days35), point(NOW_NS), point(0n)],
      [RED_SERVER_METRIC]: [point(days35)],
    });
    const admission = admitMetrics(data, retention, NOW_MS);
    expect(admission).toMatchObject({ received: 4, rejected: 2 });
    const metrics = data.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(metrics.map((m) => (m.data.type === 'gauge' ? m.data.points.length : -1))).toEqual([1, 1]);
    expect(admission.message).toMatch(
      /^2 of 4 data points rejected: 2 with a timeUnixNano outside \[2026-02-08/,
    );
  });

  it('rejects a point whose start time is after its time', () => {
    const data = gauges({ m: [point(NOW_NS, NOW_NS + 1n), point(NOW_NS, NOW_NS - 1n)] });
    const admission = admitMetrics(data, retention, NOW_MS);
    expect([...admission.byReason]).toEqual([['start-time', 1]]);
  });
});

describe('describeNanos', () => {
  it('shows the value as sent and as a date', () => {
    expect(describeNanos(1_700_000_000_000_000_000n)).toBe('1700000000000000000 (2023-11-14T22:13:20.000Z)');
  });
});
