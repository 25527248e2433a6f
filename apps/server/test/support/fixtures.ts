import { randomBytes } from 'node:crypto';
import type { Attributes, LogRecord, LogsData, Span, TracesData } from '@apo/shared/model';
import { logRecord as numberedLogRecord } from '../../src/storage/telemetry-fixtures.ts';

function attrs(entries: Record<string, string | bigint | number | boolean>): Attributes {
  const out = Object.create(null) as Attributes;
  Object.assign(out, entries);
  return out;
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const resource = (service: string) => ({
  attributes: attrs({ 'service.name': service }),
  droppedAttributesCount: 0,
});
const scope = () => ({ name: 'fixture', version: '1', attributes: attrs({}), droppedAttributesCount: 0 });

/** A span in a trace of its own, started now and lasting 5 ms, the other fields empty; `over` sets any field. */
export function span(over: Partial<Span> = {}): Span {
  const start = nowNs();
  return {
    traceId: hex(16),
    spanId: hex(8),
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'op',
    kind: 2,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 5_000_000n,
    attributes: attrs({}),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...over,
  };
}

/** A traces request carrying `spans`, all of one service. */
export function spansRequest(service: string, spans: Span[]): TracesData {
  return {
    resourceSpans: [
      { resource: resource(service), schemaUrl: '', scopeSpans: [{ scope: scope(), schemaUrl: '', spans }] },
    ],
  };
}

/** A request of `count` spans of one service, each in its own trace unless a trace id is given. */
export function tracesRequest(
  service: string,
  count: number,
  opts: { traceId?: string; attributes?: Attributes; startNs?: bigint } = {},
): TracesData {
  const start = opts.startNs ?? nowNs();
  const spans = Array.from({ length: count }, (_, i) =>
    span({
      traceId: opts.traceId ?? hex(16),
      name: `op-${i % 5}`,
      startTimeUnixNano: start + BigInt(i) * 1000n,
      endTimeUnixNano: start + BigInt(i) * 1000n + 5_000_000n,
      attributes:
        opts.attributes ??
        attrs({ 'http.route': `/r/${i % 5}`, 'http.response.status_code': 200n, i: BigInt(i) }),
    }),
  );
  return spansRequest(service, spans);
}

/** A log record at INFO, timed and observed now; `over` sets any field. */
export function logRecord(over: Partial<LogRecord> = {}): LogRecord {
  const now = nowNs();
  return numberedLogRecord(0, { timeUnixNano: now, observedTimeUnixNano: now, ...over });
}

/** A logs request carrying `records`, all of one service. */
export function logsRequest(service: string, records: LogRecord[]): LogsData {
  return {
    resourceLogs: [
      {
        resource: resource(service),
        schemaUrl: '',
        scopeLogs: [{ scope: scope(), schemaUrl: '', logRecords: records }],
      },
    ],
  };
}

export function manyAttributes(n: number): Attributes {
  const out = Object.create(null) as Attributes;
  for (let i = 0; i < n; i++) out[`attr.${i}`] = `value-${i}`;
  return out;
}
