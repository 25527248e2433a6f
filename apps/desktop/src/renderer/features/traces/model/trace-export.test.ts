import { describe, expect, it } from 'vitest';
import { jaegerDetails, otlpDetails, type SpanDetails } from './span-details.ts';
import { exportFileName, TraceExportWriter, type ExportFormat } from './trace-export.ts';
import { TraceFileReader } from './trace-file.ts';
import { fixtureModel, SHOP } from './trace-fixture.ts';
import { buildTraceModel, type TraceModel } from './trace-model.ts';
import { spanIdHex } from './trace-rows.ts';

const TRACE = '5eed0000000000000000000000000001';
// 2023-11-14T22:13:20.123456789Z: sub-microsecond digits, which Jaeger's µs cannot keep.
const BASE = '1700000000123456789';

/** Spans added in tree order, as a caller with the model would; the worker adds them in file order. */
function write(format: ExportFormat, m: TraceModel, details = new Map<number, SpanDetails>()) {
  const w = new TraceExportWriter(format, m);
  for (const i of m.tree.order) w.add(i, details.get(i));
  return w.finish().text();
}

/** Reads an export back with the file input's reader, as the trace file page does. */
function reopen(text: string) {
  const r = new TraceFileReader();
  const bytes = new TextEncoder().encode(text);
  // In odd-sized chunks, as a stream delivers them.
  for (let i = 0; i < bytes.length; i += 997) r.push(bytes.slice(i, i + 997));
  const f = r.finish();
  const t = f.traces[0];
  if (t === undefined) throw new Error('no trace');
  return {
    file: f,
    trace: t,
    model: buildTraceModel({ traceId: t.traceId, baseNs: t.baseNs, strings: f.strings, columns: t.columns }),
  };
}

/** A reopened span's details, read from its bytes as the worker reads them from a file. */
function detailsOf(text: string, back: ReturnType<typeof reopen>, i: number): SpanDetails {
  const { file, trace } = back;
  const start = trace.byteStart[i] ?? 0;
  const bytes = new TextEncoder().encode(text).slice(start, start + (trace.byteLength[i] ?? 0));
  const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (typeof parsed !== 'object' || parsed === null) throw new Error('not a span');
  const raw = Object.fromEntries(Object.entries(parsed));
  const owner = file.owners[trace.owner[i] ?? 0] ?? { service: '', attributes: [] };
  return trace.format === 'otlp'
    ? otlpDetails(raw, owner.service, owner.attributes, file.scopes[trace.scope[i] ?? -1] ?? '')
    : jaegerDetails(raw, owner.service, owner.attributes);
}

/** Every span as [id, parent, name, service, startMs, durationMs, status, kind, depth], in tree order. */
function spans(m: TraceModel) {
  const c = m.columns;
  return Array.from(m.tree.order, (i) => [
    spanIdHex(m, i),
    m.tree.parent[i] === -1 ? '' : spanIdHex(m, m.tree.parent[i] ?? 0),
    m.strings[c.name[i] ?? 0],
    m.strings[c.service[i] ?? 0],
    (c.startNs[i] ?? 0) / 1e6,
    (c.durationNs[i] ?? 0) / 1e6,
    c.status[i],
    c.kind[i],
    m.tree.depth[i],
  ]);
}

const shop = () =>
  fixtureModel(
    SHOP.map((s, i) => ({
      ...s,
      id: `0000000000000${s.id}`,
      parent: s.parent === '' ? '' : `0000000000000${s.parent}`,
      kind: i === 0 ? 2 : 3,
    })),
    TRACE,
    BASE,
  );

describe('trace export', () => {
  it('OTLP JSON reopens with the same structure, times to the nanosecond, status and kind', async () => {
    const m = shop();
    const text = await write('otlp', m);
    const back = reopen(text);
    expect(back.trace.traceId).toBe(TRACE);
    expect(back.trace.format).toBe('otlp');
    expect(back.model.baseNs).toBe(BASE);
    expect(spans(back.model)).toEqual(spans(m));
    expect(spans(m)[4]).toEqual([
      '0000000000000a05',
      '0000000000000a03',
      'charge card',
      'shop-payments',
      40,
      60,
      2,
      3,
      2,
    ]);
    // One resource per service, named by service.name.
    expect(text.startsWith('{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name"')).toBe(true);
    expect(back.file.owners.map((o) => o.service).sort()).toEqual([
      'shop-basket',
      'shop-db',
      'shop-orders',
      'shop-payments',
      'shop-stock',
      'shop-web',
    ]);
    expect(exportFileName('otlp', TRACE)).toBe(`trace-${TRACE}.otlp.json`);
  });

  it('Jaeger JSON reopens with the same structure, times in microseconds', async () => {
    const m = shop();
    const back = reopen(await write('jaeger', m));
    expect(back.trace.format).toBe('jaeger');
    expect(back.model.baseNs).toBe('1700000000123457000');
    expect(spans(back.model)).toEqual(spans(m));
    expect(back.model.services.map((s) => [s.name, s.selfNs / 1e6])).toEqual(
      m.services.map((s) => [s.name, s.selfNs / 1e6]),
    );
    expect(exportFileName('jaeger', TRACE)).toBe(`trace-${TRACE}.jaeger.json`);
  });

  it('carries the details it is given: attributes, resource, events, links, status message, scope', async () => {
    const m = shop();
    const charge =
      Array.from(m.tree.order).find((i) => m.strings[m.columns.name[i] ?? 0] === 'charge card') ?? -1;
    const d: SpanDetails = {
      traceId: TRACE,
      spanId: '0000000000000a05',
      parentSpanId: '0000000000000a03',
      name: 'charge card',
      service: 'shop-payments',
      kind: 3,
      statusCode: 2,
      statusMessage: 'card declined',
      attributes: [
        ['payment.provider', 'acme'],
        ['amount', '42'],
      ],
      resource: [
        ['service.name', 'shop-payments'],
        ['host.name', 'pay-1'],
      ],
      events: [
        { atMs: 59, name: 'exception', attributes: [['exception.stacktrace', 'PaymentError\n  at charge']] },
      ],
      links: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), attributes: [] }],
      scope: 'payments-lib',
    };
    const details = new Map([[charge, d]]);
    for (const format of ['otlp', 'jaeger'] as const) {
      const text = await write(format, m, details);
      const back = reopen(text);
      const i =
        Array.from(back.model.tree.order).find(
          (v) => back.model.strings[back.model.columns.name[v] ?? 0] === 'charge card',
        ) ?? -1;
      const got = detailsOf(text, back, i);
      expect(got.attributes).toEqual(
        format === 'otlp'
          ? d.attributes
          : [
              ...d.attributes,
              ['span.kind', 'client'],
              ['error', 'true'],
              ['otel.status_code', 'ERROR'],
              ['otel.status_description', 'card declined'],
            ],
      );
      expect(got.statusMessage).toBe('card declined');
      expect(got.events).toEqual([
        { atMs: 59, name: 'exception', attributes: [['exception.stacktrace', 'PaymentError\n  at charge']] },
      ]);
      expect(got.links.map((l) => [l.traceId, l.spanId])).toEqual([['ab'.repeat(16), 'cd'.repeat(8)]]);
      expect(got.resource).toEqual(format === 'otlp' ? d.resource : [['host.name', 'pay-1']]);
      expect(got.scope).toBe(format === 'otlp' ? 'payments-lib' : '');
    }
  });
});
