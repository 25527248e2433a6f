/**
 * Opening large traces: `node bench/trace-view.bench.ts [--sizes=1000,50000,200000,1000000] [--runs=3]`.
 *
 * Generated traces (deep and wide, e2e/seed/trace-seed.ts `bigTraceSpans`) of each size are written into a
 * fresh data directory by the engine itself, then:
 * - server: the 1M-span trace's transfer candidates, read by the embedded engine in this process — the
 *   waterfall's columns as ClickHouse ArrowStream and as JSONEachRow — then, from a real server process,
 *   the columns route (APO's own frames: string dictionary + typed arrays): time to first byte, total, bytes
 *   per span; and `traces.byId` (JSON, capped at 10,000 spans) for bytes per span;
 * - console (headless Chromium, the server's own built console): for a stored trace (click Open) and for
 *   the same trace as a Jaeger JSON file (file chosen): → first waterfall rows; collapse all, expand all,
 *   scroll to the end (each to the next frame drawn); frame times while scrolling; the longest main-thread
 *   task; V8 heap after GC per span, and the typed arrays behind the view per span.
 * Medians over `runs` (1M: one run). Targets (issue 16): 50k ≤ 500 ms, 200k ≤ 1 s, 1M ≤ 4 s to first rows,
 * frames ≤ 16 ms, heap ≤ 0.4 KB per span.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { chromium, type Page } from '@playwright/test';
import type { Span } from '../packages/shared/src/model/index.ts';
import { openStorage, type Storage } from '../apps/server/src/storage/index.ts';
import { RowBinaryWriter } from '../apps/server/src/storage/row-binary-writer.ts';
import { appendSpanRows } from '../apps/server/src/storage/rows/spans.ts';
import { attrs, checkoutResource } from '../apps/server/src/storage/telemetry-fixtures.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { describeResult, ensureConsoleBuilt } from '../scripts/console-build.ts';
import { bigTraceSpans, type SeedSpan } from '../e2e/seed/trace-seed.ts';
import { median } from './support/process-cpu.ts';

const listArg = (name: string, fallback: number[]): number[] => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`));
  return found === undefined
    ? fallback
    : found
        .slice(name.length + 3)
        .split(',')
        .map(Number);
};
const sizes = listArg('sizes', [1_000, 50_000, 200_000, 1_000_000]);
const runs = listArg('runs', [3])[0] ?? 3;
const CHROMIUM = '/usr/bin/chromium';
const traceIdOfSize = (n: number) => n.toString(16).padStart(32, '7');
const BASE_MS = Date.now() - 10 * 60_000;

if (!existsSync(CHROMIUM)) {
  console.error(`Debian's Chromium is missing (${CHROMIUM}): apt-get install -y chromium`);
  process.exit(2);
}
const built = await ensureConsoleBuilt();
console.log(describeResult(built));
if (built.result === 'failed') process.exit(1);

const toSpan = (traceId: string, s: SeedSpan): Span => ({
  traceId,
  spanId: s.id,
  parentSpanId: s.parent,
  traceState: '',
  flags: 1,
  name: s.name,
  kind: 2,
  startTimeUnixNano: BigInt(Math.round((BASE_MS + s.startMs) * 1e3)) * 1000n,
  endTimeUnixNano: BigInt(Math.round((BASE_MS + s.endMs) * 1e3)) * 1000n,
  attributes: attrs({ 'http.route': `/${s.name}` }),
  droppedAttributesCount: 0,
  events: [],
  droppedEventsCount: 0,
  links: [],
  droppedLinksCount: 0,
  status: { code: s.error === true ? 2 : 0, message: '' },
});

async function storeTrace(storage: Storage, traceId: string, spans: SeedSpan[]): Promise<void> {
  for (let i = 0; i < spans.length; i += 50_000) {
    const w = new RowBinaryWriter(64 * 1024 * 1024);
    const part = spans.slice(i, i + 50_000).map((s) => toSpan(traceId, s));
    const rows = appendSpanRows(
      w,
      {
        resourceSpans: [
          {
            resource: checkoutResource,
            schemaUrl: '',
            scopeSpans: [
              {
                scope: { name: 'bench', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
                schemaUrl: '',
                spans: part,
              },
            ],
          },
        ],
      },
      { cluster: 'default', flushId: BigInt(i + 1) },
    );
    await storage.insertRowBinary(storage.tables.spans, w.bytes(), rows);
  }
}

/** The same trace as a Jaeger JSON file, written in pieces (a 1M-span file is ~250 MB). */
async function writeJaegerFile(path: string, traceId: string, spans: SeedSpan[]): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = async (s: string) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(`{"data":[{"traceID":"${traceId}","spans":[`);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (s === undefined) continue;
    const span = {
      traceID: traceId,
      spanID: s.id,
      operationName: s.name,
      references: s.parent === '' ? [] : [{ refType: 'CHILD_OF', traceID: traceId, spanID: s.parent }],
      startTime: Math.round((BASE_MS + s.startMs) * 1000),
      duration: Math.round((s.endMs - s.startMs) * 1000),
      tags: [
        { key: 'http.route', type: 'string', value: `/${s.name}` },
        ...(s.error === true ? [{ key: 'error', type: 'bool', value: true }] : []),
      ],
      logs: [],
      processID: 'p1',
      warnings: null,
    };
    await write((i === 0 ? '' : ',') + JSON.stringify(span));
  }
  await write(`],"processes":{"p1":{"serviceName":"checkout","tags":[]}}}]}`);
  out.end();
  await once(out, 'finish');
  return bytes;
}

const dataDir = await mkdtemp(join(tmpdir(), 'apo-trace-view-bench-'));
const quiet = { warn: () => undefined, info: () => undefined, error: console.error };
const generated = new Map<number, SeedSpan[]>();
const files = new Map<number, string>();
const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
for (const n of sizes) {
  const spans = bigTraceSpans(n);
  generated.set(n, spans);
  const t0 = performance.now();
  await storeTrace(storage, traceIdOfSize(n), spans);
  const file = join(dataDir, `trace-${n}.jaeger.json`);
  const bytes = await writeJaegerFile(file, traceIdOfSize(n), spans);
  files.set(n, file);
  console.log(
    `stored a ${n.toLocaleString('en')}-span trace in ${((performance.now() - t0) / 1000).toFixed(1)} s; Jaeger file ${(bytes / 1e6).toFixed(1)} MB`,
  );
  generated.delete(n);
}

// Transfer candidates for the largest trace, straight from the engine (no server in between).
const largest = Math.max(...sizes);
{
  const table = storage.qualified(storage.tables.spans);
  const select = `SELECT span_id, parent_span_id, name, service,
      toUnixTimestamp64Nano(ts) - (SELECT toUnixTimestamp64Nano(min(ts)) FROM ${table} WHERE trace_id = {id:String}) AS start_offset_ns,
      duration_ns, status_code, kind
    FROM ${table} WHERE trace_id = {id:String} ORDER BY ts`;
  for (const format of ['ArrowStream', 'RowBinary', 'JSONEachRow'] as const) {
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      const res = await storage.client.exec({
        query: `${select} FORMAT ${format}`,
        query_params: { id: traceIdOfSize(largest) },
      });
      bytes = 0;
      for await (const chunk of res.stream) bytes += Buffer.from(chunk as Uint8Array).length;
      times.push(performance.now() - t0);
    }
    console.log(
      `engine ${format}, ${largest.toLocaleString('en')} spans: ${median(times).toFixed(0)} ms, ${(bytes / largest).toFixed(1)} bytes/span`,
    );
  }
}
await storage.close();

const server = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'error' } });
const results: string[] = [];
try {
  // Server: the columns route (what the console reads) and traces.byId (JSON, capped).
  {
    const ttfb: number[] = [];
    const total: number[] = [];
    let bytes = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const res = await fetch(`${server.httpUrl}/api/console/traces/${traceIdOfSize(largest)}/columns`);
      const reader = res.body?.getReader();
      bytes = 0;
      let first = 0;
      for (;;) {
        const part = await reader?.read();
        if (part === undefined || part.done) break;
        if (first === 0) first = performance.now() - t0;
        bytes += part.value.byteLength;
      }
      ttfb.push(first);
      total.push(performance.now() - t0);
    }
    results.push(
      `server, columns route (APO frames), ${largest.toLocaleString('en')} spans: TTFB ${median(ttfb).toFixed(0)} ms, total ${median(total).toFixed(0)} ms, ${(bytes / largest).toFixed(1)} bytes/span`,
    );
    const input = encodeURIComponent(JSON.stringify({ json: { traceId: traceIdOfSize(largest) } }));
    const t0 = performance.now();
    const res = await fetch(`${server.httpUrl}/trpc/traces.byId?input=${input}`);
    const body = await res.arrayBuffer();
    results.push(
      `server, traces.byId (superjson, first 10,000 spans): ${(performance.now() - t0).toFixed(0)} ms, ${(body.byteLength / 10_000).toFixed(0)} bytes/span`,
    );
  }
  console.log(results.join('\n'));

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    for (const n of sizes) {
      for (const source of ['stored', 'file'] as const) {
        const figures: Record<string, number[]> = {};
        const add = (k: string, v: number) => (figures[k] ??= []).push(v);
        for (let r = 0; r < (n >= 1_000_000 ? 1 : runs); r++) {
          const f = await openOnce(browser, server.httpUrl, n, source);
          for (const [k, v] of Object.entries(f)) add(k, v);
        }
        const m = (k: string) => median(figures[k] ?? [NaN]);
        const worker =
          source === 'file'
            ? ` (until the worker starts ${m('waitMs').toFixed(0)} ms; file read + parsed ${m('readMs').toFixed(0)} ms, of which parsing ${m('parseMs').toFixed(0)} ms in ${m('chunks').toFixed(0)} chunks; model ${m('buildMs').toFixed(0)} ms; posted → drawn ${m('drawMs').toFixed(0)} ms)`
            : ` (until the worker starts ${m('waitMs').toFixed(0)} ms; download ${m('downloadMs').toFixed(0)} ms; model ${m('buildMs').toFixed(0)} ms; posted → drawn ${m('drawMs').toFixed(0)} ms)`;
        const line =
          `console, ${source}, ${n.toLocaleString('en')} spans, load ${loadavg()[0]?.toFixed(1)}: first rows ${m('firstRows').toFixed(0)} ms${worker}; ` +
          `collapse all ${m('collapse').toFixed(0)} ms, expand all ${m('expand').toFixed(0)} ms, ` +
          `scroll to end ${m('scrollEnd').toFixed(0)} ms; scroll frames median ${m('frame').toFixed(1)} ms; ` +
          `longest task ${m('longest').toFixed(0)} ms; heap ${m('heapPerSpan').toFixed(0)} B/span + arrays ${m('arraysPerSpan').toFixed(0)} B/span`;
        console.log(line);
        results.push(line);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`\nTrace view, headless Chromium, medians of ${runs} runs (1M: 1 run)\n${results.join('\n')}`);
} finally {
  await server.dispose();
  await rm(dataDir, { recursive: true, force: true });
}

async function openOnce(
  browser: Awaited<ReturnType<typeof chromium.launch>>,
  url: string,
  n: number,
  source: 'stored' | 'file',
): Promise<Record<string, number>> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    const w = window as unknown as { __longest: number; __t0: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: true });
    // "File chosen": the input's change event.
    document.addEventListener('change', () => (w.__t0 = performance.now()), true);
  });
  const cdp = await context.newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  try {
    await page.goto(`${url}/#/traces${source === 'file' ? '/file' : ''}`);
    await page.getByLabel('Open a trace file').first().waitFor({ state: 'attached' });
    const before = await heap();
    if (source === 'stored') {
      await page.getByRole('textbox', { name: 'Trace id' }).fill(traceIdOfSize(n));
      await page.evaluate(() => {
        (window as unknown as { __t0: number }).__t0 = performance.now();
        document.querySelector<HTMLButtonElement>('form.trace-open button[type=submit]')?.click();
      });
    } else {
      await page.getByLabel('Open a trace file').setInputFiles(files.get(n) ?? '');
    }
    await page.waitForFunction(() => performance.getEntriesByName('apo-trace-first-rows').length > 0, null, {
      timeout: 300_000,
      polling: 50,
    });
    const firstRows = await page.evaluate(
      () =>
        (performance.getEntriesByName('apo-trace-first-rows')[0]?.startTime ?? NaN) -
        (window as unknown as { __t0: number }).__t0,
    );
    // The worker's figures, and where the rest went: until the worker took the request up, and from the
    // model's post to the first rows drawn (the transfer, the page's render and draw).
    const workerTimings = await page.evaluate(() => {
      const mark = performance.getEntriesByName('apo-trace-worker')[0] as PerformanceMark | undefined;
      const detail: unknown = mark?.detail;
      const t = typeof detail === 'object' && detail !== null ? (detail as Record<string, number>) : {};
      const origin = performance.timeOrigin;
      const first = performance.getEntriesByName('apo-trace-first-rows')[0]?.startTime ?? NaN;
      const t0 = (window as unknown as { __t0: number }).__t0;
      return {
        ...t,
        waitMs: (t.startedAt ?? NaN) - (origin + t0),
        drawMs: origin + first - (t.postedAt ?? NaN),
      };
    });
    const after = await heap();
    const arrays = await page.evaluate(
      () => (window as unknown as Hooked).__apoTraceView?.summary().arrayBytes ?? 0,
    );
    const timed = (name: string) => clickTimed(page, name);
    const collapse = await timed('Collapse all');
    const expand = await timed('Expand all');
    const scrollEnd = await page.evaluate(async () => {
      const el = document.querySelector<HTMLElement>('[data-testid=waterfall]');
      const t = performance.now();
      if (el !== null) el.scrollTop = el.scrollHeight;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t;
    });
    const last = await page.evaluate(() => (window as unknown as Hooked).__apoTraceView?.drawn().last ?? -1);
    if (last !== n - 1)
      throw new Error(`scrolled to the end but the last row drawn is ${last}, not ${n - 1}`);
    // Scrolling: a viewport per frame from the top, 60 frames; the time between frames.
    const frame = await page.evaluate(async () => {
      const el = document.querySelector<HTMLElement>('[data-testid=waterfall]');
      if (el === null) return NaN;
      el.scrollTop = 0;
      const gaps: number[] = [];
      let prev = await new Promise<number>((r) => requestAnimationFrame(r));
      for (let i = 0; i < 60; i++) {
        el.scrollTop += el.clientHeight;
        const now = await new Promise<number>((r) => requestAnimationFrame(r));
        gaps.push(now - prev);
        prev = now;
      }
      gaps.sort((a, b) => a - b);
      return gaps[gaps.length >> 1] ?? NaN;
    });
    const longest = await page.evaluate(() => (window as unknown as { __longest: number }).__longest);
    return {
      ...workerTimings,
      firstRows,
      collapse,
      expand,
      scrollEnd,
      frame,
      longest,
      heapPerSpan: (after - before) / n,
      arraysPerSpan: arrays / n,
    };
  } finally {
    await context.close();
  }
}

/** The trace view's test hook (apps/desktop/src/renderer/features/traces/view/test-hook.ts). */
interface Hooked {
  __apoTraceView?: { summary(): { arrayBytes: number }; drawn(): { first: number; last: number } };
}

/** A toolbar button clicked in the page, timed to the second frame after (the rows drawn). */
function clickTimed(page: Page, name: string): Promise<number> {
  return page.evaluate(async (label) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent === label);
    const t = performance.now();
    button?.click();
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t;
  }, name);
}
