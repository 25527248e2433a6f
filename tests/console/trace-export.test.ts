/**
 * The trace export route (apps/server/src/features/export) against the real embedded engine, its files read
 * back by the console's own file reader (renderer model/trace-file.ts, span-details.ts) as the trace file
 * page reads them: every span comes back with the name, parent, times, attributes, resource, scope and
 * events stored, in both formats; a 100,000-span trace is streamed with the server's JS memory staying
 * within a bound far below the file's size; bad requests get 400 / 404 naming the problem.
 *
 * In this file (not apps/server/test) because it reads with the console's code: apps never import apps.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '../../packages/shared/src/model/index.ts';
import { AccessControl, type AccessDeps } from '../../apps/server/src/auth/access-control.ts';
import { serverConfigSchema } from '../../apps/server/src/config/server-config.ts';
import { traceExport } from '../../apps/server/src/features/export/export-queries.ts';
import { traceExportPieces } from '../../apps/server/src/features/export/trace-export-json.ts';
import { registerTraceExportRoute } from '../../apps/server/src/features/export/trace-export-route.ts';
import { traceById } from '../../apps/server/src/features/traces/trace-queries.ts';
import type { SpanView } from '../../apps/server/src/features/traces/span-view.ts';
import { openStorage, type Storage } from '../../apps/server/src/storage/open-storage.ts';
import { RowBinaryWriter } from '../../apps/server/src/storage/row-binary-writer.ts';
import { appendSpanRows } from '../../apps/server/src/storage/rows/spans.ts';
import { CapturingLog } from '../../apps/server/src/storage/storage-test-support.ts';
import {
  attrs,
  BASE_NS,
  span,
  spanIdOf,
  traceIdOf,
} from '../../apps/server/src/storage/telemetry-fixtures.ts';
import {
  jaegerDetails,
  otlpDetails,
  type SpanDetails,
} from '../../apps/desktop/src/renderer/features/traces/model/span-details.ts';
import {
  TraceFileReader,
  type FileTraces,
} from '../../apps/desktop/src/renderer/features/traces/model/trace-file.ts';

type App = Parameters<typeof registerTraceExportRoute>[0];
// Fastify is the server's dependency, not the root's: loaded from the server's package.
const Fastify = createRequire(new URL('../../apps/server/package.json', import.meta.url))(
  'fastify',
) as () => App;

const limits = serverConfigSchema.parse({}).api;
const SMALL = traceIdOf(0x51);
const LARGE = traceIdOf(0x52);
const LARGE_SPANS = 100_000;

let dataDir: string;
let storage: Storage;
let app: App;
let url: string;

const resourceOf = (service: string, instance: string) => ({
  attributes: attrs({ 'service.name': service, 'service.instance.id': instance, 'host.name': 'node-x' }),
  droppedAttributesCount: 0,
});
const scopeOf = (name: string) => ({
  name,
  version: '1.0',
  attributes: attrs({}),
  droppedAttributesCount: 0,
});

async function insert(groups: { resource: ReturnType<typeof resourceOf>; scope: string; spans: Span[] }[]) {
  const w = new RowBinaryWriter(64 * 1024 * 1024);
  const rows = appendSpanRows(
    w,
    {
      resourceSpans: groups.map((g) => ({
        resource: g.resource,
        schemaUrl: '',
        scopeSpans: [{ scope: scopeOf(g.scope), schemaUrl: '', spans: g.spans }],
      })),
    },
    { cluster: 'default', flushId: 1n },
  );
  await storage.insertRowBinary(storage.tables.spans, w.bytes(), rows);
}

/** The small trace: two services, one of them with two instrumentation scopes; events, a link, a failure. */
function smallTrace(): { resource: ReturnType<typeof resourceOf>; scope: string; spans: Span[] }[] {
  const s = (n: number, parent: number, extra: Partial<Span> = {}) =>
    span(n, {
      traceId: SMALL,
      parentSpanId: parent === 0 ? '' : spanIdOf(parent),
      name: `op-${n}`,
      attributes: attrs({ 'http.route': `/r/${n}`, 'order.id': `o-${n * 7}`, 'net.peer.port': BigInt(n) }),
      ...extra,
    });
  return [
    {
      resource: resourceOf('frontend', 'fe-1'),
      scope: 'http',
      spans: [
        s(1, 0, {
          events: [
            {
              timeUnixNano: BASE_NS + 1_200_000n,
              name: 'exception',
              attributes: attrs({ 'exception.type': 'TimeoutError', 'exception.message': 'took too long' }),
              droppedAttributesCount: 0,
            },
          ],
        }),
        s(2, 1, { status: { code: 2, message: 'upstream failed' } }),
      ],
    },
    { resource: resourceOf('frontend', 'fe-1'), scope: 'db', spans: [s(3, 2, { kind: 3 })] },
    {
      resource: resourceOf('orders', 'or-1'),
      scope: 'http',
      spans: [
        s(4, 3, {
          links: [
            {
              traceId: traceIdOf(0x99),
              spanId: spanIdOf(9),
              traceState: '',
              attributes: attrs({}),
              droppedAttributesCount: 0,
              flags: 0,
            },
          ],
        }),
        s(5, 4),
      ],
    },
  ];
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-trace-export-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await insert(smallTrace());
  // The large trace: a root and 99,999 children over four services, each with five attributes and an event.
  const services = ['api', 'cart', 'pay', 'ship'];
  for (let from = 0; from < LARGE_SPANS; from += 20_000) {
    await insert(
      services.map((service, k) => ({
        resource: resourceOf(service, `${service}-1`),
        scope: 'lib',
        spans: Array.from({ length: 5_000 }, (_, j) => {
          const n = from + j * 4 + k + 1;
          return span(n, {
            traceId: LARGE,
            parentSpanId: n === 1 ? '' : spanIdOf(1),
            name: `step-${n % 50}`,
            attributes: attrs({
              'seq.n': String(n),
              'http.route': `/items/${n % 97}`,
              'user.id': `u-${n % 1000}`,
              'db.statement': `SELECT * FROM items WHERE id = ${n}`,
              'padding.text': 'x'.repeat(40),
            }),
            events: [
              {
                timeUnixNano: BASE_NS + BigInt(n) * 1_000_000n + 10n,
                name: `ev-${n}`,
                attributes: attrs({}),
                droppedAttributesCount: 0,
              },
            ],
          });
        }),
      })),
    );
  }
  app = Fastify();
  registerTraceExportRoute(app, {
    storage,
    // Auth off: every caller is the local admin (the 401 below uses an AccessControl with auth on).
    access: new AccessControl(false, {} as AccessDeps),
    limits,
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
}, 180_000);
afterAll(async () => {
  await app.close();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Reads a download as the trace file page does: chunk by chunk into the file reader. */
async function download(path: string): Promise<{ text: string; res: Response; file: FileTraces }> {
  const res = await fetch(`${url}${path}`);
  const text = await res.text();
  const reader = new TraceFileReader();
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += 65_521) reader.push(bytes.subarray(i, i + 65_521));
  return { text, res, file: reader.finish() };
}

/** Each span of the file's first trace in full, keyed by span id, with its start in ns since the epoch. */
function spansOf(
  text: string,
  file: FileTraces,
): Map<string, SpanDetails & { startNs: bigint; durationNs: number }> {
  const t = file.traces[0]!;
  const bytes = new TextEncoder().encode(text);
  const out = new Map<string, SpanDetails & { startNs: bigint; durationNs: number }>();
  for (let i = 0; i < t.columns.count; i++) {
    const start = t.byteStart[i]!;
    const raw = JSON.parse(
      new TextDecoder().decode(bytes.subarray(start, start + t.byteLength[i]!)),
    ) as Record<string, unknown>;
    const owner = file.owners[t.owner[i]!]!;
    const d =
      t.format === 'otlp'
        ? otlpDetails(raw, owner.service, owner.attributes, file.scopes[t.scope[i]!] ?? '')
        : jaegerDetails(raw, owner.service, owner.attributes);
    out.set(d.spanId, {
      ...d,
      startNs: BigInt(t.baseNs) + BigInt(t.columns.startNs[i]!),
      durationNs: t.columns.durationNs[i]!,
    });
  }
  return out;
}

const eventsOf = (s: SpanView) =>
  s.events.map((e) => ({
    atMs: Number(e.timeUnixNano - s.startTimeUnixNano) / 1e6,
    name: e.name,
    attributes: e.attributes,
  }));

describe('trace export (embedded engine, read back by the console’s file reader)', () => {
  it('writes OTLP JSON with every span, attribute, event, link and scope as stored, grouped by resource', async () => {
    const stored = (await traceById(storage, SMALL, undefined, limits)).spans;
    const { text, res, file } = await download(`/api/console/traces/${SMALL}/export?format=otlp`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="trace-${SMALL}.otlp.json"`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // One ResourceSpans per resource, one ScopeSpans per scope in it.
    const doc = JSON.parse(text) as { resourceSpans: { scopeSpans: { scope: { name: string } }[] }[] };
    expect(doc.resourceSpans.map((r) => r.scopeSpans.map((s) => s.scope.name))).toEqual([
      ['db', 'http'],
      ['http'],
    ]);
    expect(file.traces.map((t) => [t.traceId, t.format, t.columns.count])).toEqual([[SMALL, 'otlp', 5]]);
    const back = spansOf(text, file);
    expect([...back.keys()].sort()).toEqual(stored.map((s) => s.spanId).sort());
    for (const s of stored) {
      const d = back.get(s.spanId)!;
      expect({
        name: d.name,
        parent: d.parentSpanId,
        service: d.service,
        kind: d.kind,
        status: [d.statusCode, d.statusMessage],
        attributes: d.attributes,
        resource: d.resource,
        scope: d.scope,
        events: d.events,
        links: d.links.map((l) => [l.traceId, l.spanId]),
        start: d.startNs,
        duration: d.durationNs,
      }).toEqual({
        name: s.name,
        parent: s.parentSpanId,
        service: s.service,
        kind: s.kind,
        status: [s.status.code, s.status.message],
        attributes: s.attributes,
        resource: s.resource,
        scope: s.scope.name,
        events: eventsOf(s),
        links: s.links.map((l) => [l.traceId, l.spanId]),
        start: s.startTimeUnixNano,
        duration: Number(s.durationNs),
      });
    }
    expect(back.get(spanIdOf(1))!.attributes).toEqual([
      ['http.route', '/r/1'],
      ['order.id', 'o-7'],
      ['net.peer.port', '1'],
    ]);
  });

  it('writes Jaeger JSON with every span, its tags, logs and process as stored, times in µs', async () => {
    const stored = (await traceById(storage, SMALL, undefined, limits)).spans;
    const { text, res, file } = await download(`/api/console/traces/${SMALL}/export?format=jaeger`);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="trace-${SMALL}.jaeger.json"`);
    expect(file.traces.map((t) => [t.traceId, t.format, t.columns.count])).toEqual([[SMALL, 'jaeger', 5]]);
    const back = spansOf(text, file);
    for (const s of stored) {
      const d = back.get(s.spanId)!;
      const keys = new Set(s.attributes.map(([k]) => k));
      expect({
        name: d.name,
        parent: d.parentSpanId,
        service: d.service,
        kind: d.kind,
        status: d.statusCode,
        attributes: d.attributes.filter(([k]) => keys.has(k)),
        resource: d.resource,
        events: d.events.map((e) => e.name),
        start: d.startNs,
      }).toEqual({
        name: s.name,
        parent: s.parentSpanId,
        service: s.service,
        kind: s.kind,
        status: s.status.code,
        attributes: s.attributes,
        resource: s.resource.filter(([k]) => k !== 'service.name'),
        events: s.events.map((e) => e.name),
        // Jaeger keeps microseconds.
        start: (s.startTimeUnixNano / 1000n) * 1000n,
      });
    }
    expect(back.get(spanIdOf(1))!.events[0]!.attributes).toEqual([
      ['exception.type', 'TimeoutError'],
      ['exception.message', 'took too long'],
    ]);
    expect(back.get(spanIdOf(4))!.links.map((l) => l.spanId)).toEqual([spanIdOf(9)]);
  });

  it('streams a 100,000-span trace with its attributes, its live memory far below the file size', async () => {
    // Live memory, not allocation: a forced collection before each measure, so garbage not yet collected
    // does not count (the flag is set at run time: vitest's workers start without it).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    for (const format of ['otlp', 'jaeger'] as const) {
      // The route's body, piece by piece (a page of spans each), as the response pulls it.
      const read = await traceExport(storage, LARGE, undefined, limits);
      const before = live();
      let peak = 0;
      let bytes = 0;
      let pieces = 0;
      const growth: number[] = [];
      for await (const piece of traceExportPieces(format, read)) {
        bytes += Buffer.byteLength(piece);
        const now = live() - before;
        peak = Math.max(peak, now);
        if (++pieces % 10 === 0) growth.push(Math.round(now / 2 ** 20));
      }
      console.log(`${format}: live MiB every 10 pages: ${growth.join(' ')}`);
      console.log(
        `${format}: ${(bytes / 2 ** 20).toFixed(1)} MiB written, live JS memory at most +${(peak / 2 ** 20).toFixed(1)} MiB`,
      );
      // The bound: a file of over 40 MiB is written holding at most 24 MiB more live JS memory (a page of
      // 2,000 spans read and written, and the file reader's columns of 100,000 spans in this test).
      expect(bytes).toBeGreaterThan(40 * 2 ** 20);
      expect(peak).toBeLessThan(24 * 2 ** 20);
    }
    // Through the route: every span, and its attributes (the last one's, in full).
    for (const format of ['otlp', 'jaeger'] as const) {
      const res = await fetch(`${url}/api/console/traces/${LARGE}/export?format=${format}`);
      expect(res.headers.get('x-apo-trace-spans')).toBe(String(LARGE_SPANS));
      const reader = new TraceFileReader();
      for await (const chunk of res.body!) reader.push(chunk);
      const file = reader.finish();
      const t = file.traces[0]!;
      expect(t.columns.count).toBe(LARGE_SPANS);
      expect(new Set(Array.from(t.columns.service, (v) => file.strings[v]))).toEqual(
        new Set(['api', 'cart', 'pay', 'ship']),
      );
    }
    // And the attributes are there: the last span of the file, in full.
    const { text, file } = await download(`/api/console/traces/${LARGE}/export?format=otlp`);
    const all = [...spansOf(text, file).values()];
    expect(all).toHaveLength(LARGE_SPANS);
    const d = all[all.length - 1]!;
    const n = Number(d.attributes.find(([k]) => k === 'seq.n')?.[1]);
    expect(d.attributes).toEqual([
      ['seq.n', String(n)],
      ['http.route', `/items/${n % 97}`],
      ['user.id', `u-${n % 1000}`],
      ['db.statement', `SELECT * FROM items WHERE id = ${n}`],
      ['padding.text', 'x'.repeat(40)],
    ]);
    expect(d.events.map((e) => e.name)).toEqual([`ev-${n}`]);
  }, 480_000);

  it('answers a bad format with 400, an unknown trace with 404, a caller without credentials with 401', async () => {
    const bad = await fetch(`${url}/api/console/traces/${SMALL}/export?format=zipkin`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe(
      'invalid request: format: format must be otlp or jaeger',
    );
    const none = await fetch(`${url}/api/console/traces/${SMALL}/export`);
    expect(none.status).toBe(400);
    const badId = await fetch(`${url}/api/console/traces/xyz/export?format=otlp`);
    expect(((await badId.json()) as { message: string }).message).toBe(
      'invalid request: traceId: a trace id is 32 hex characters',
    );
    const missing = await fetch(`${url}/api/console/traces/${traceIdOf(0xdead)}/export?format=jaeger`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe(
      `trace ${traceIdOf(0xdead)} not found`,
    );
    const locked = Fastify();
    registerTraceExportRoute(locked, { storage, access: new AccessControl(true, {} as AccessDeps), limits });
    const denied = await locked.inject({ url: `/api/console/traces/${SMALL}/export?format=otlp` });
    expect(denied.statusCode).toBe(401);
    expect(denied.json<{ message: string }>().message).toMatch(/^exporting a trace needs a signed-in caller/);
    await locked.close();
  });
});
