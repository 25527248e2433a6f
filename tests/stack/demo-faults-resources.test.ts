/**
 * Fault signatures in the stored data, the resource kinds: the demo shop (seven services with the preload,
 * steady traffic) → apo-agent (every span kept, each service's process sampled every second) → apo-server,
 * real processes. Each fault is injected with the fault CLI into one service; the test sends a fixed number
 * of its own requests and reads back, through the server's tRPC API, how the service's process and runtime
 * metrics moved across exactly that stretch of time (the last reading before it against the first after),
 * next to an unrelated service over the same stretch, and again after `--clear`. Thresholds derive from the
 * injected parameters: CPU burned, bytes written, heap retained per request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../examples/demo-shop/src/index.ts';
import { eventually } from './support/agent-process.ts';
import { call, probes, userId, type Answer } from './support/demo-probes.ts';
import {
  across,
  durationMs,
  isDb,
  isServer,
  offsetMs,
  pointsIn,
  quantile,
  readingSince,
  servedBy,
  since,
  tracesOf,
  type Across,
  type MetricSpec,
  type MetricPoint,
  type StoredSpan,
} from './support/demo-signals.ts';
import { startDemoStack, type DemoStack } from './support/demo-stack.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';

/** Spans starting this long after an injection or a clear are clear of requests already under way. */
const SETTLE_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: readonly number[]) => quantile(values, 0.5);
const MB = 1024 * 1024;

/** Runs the requests and returns them with the stretch of time they took. */
async function timed(
  send: () => Promise<Answer[]>,
): Promise<{ answers: Answer[]; from: number; to: number }> {
  const from = Date.now();
  const answers = await send();
  return { answers, from, to: Date.now() };
}

const CPU = { name: 'process.cpu.time' };
/** CPU seconds per second across a stretch. */
const coresOf = (a: Across) => a.change / ((a.after.ms - a.before.ms) / 1000);
const HEAP = { name: 'v8js.memory.heap.used' };
const GC_COUNT = { name: 'v8js.gc.duration', value: (p: MetricPoint) => Number(p.count) };
const GC_SECONDS = { name: 'v8js.gc.duration', value: (p: MetricPoint) => p.sum ?? 0 };
const WRITTEN = {
  name: 'process.disk.io',
  keep: (p: MetricPoint) => attributeValue(p.labels, 'disk.io.direction') === 'write',
};

describe('demo shop faults → agent → server: cpu, gc-pressure, disk-io signatures', () => {
  let stack: DemoStack;

  beforeAll(async () => {
    stack = await startDemoStack();
  }, 180_000);
  afterAll(async () => {
    await (stack as DemoStack | undefined)?.dispose();
  });

  const serverSpans = async (answers: Answer[], service: string) =>
    (
      await tracesOf(
        stack.api,
        answers.map((a) => a.traceId),
        (spans) => servedBy(spans, service),
      )
    ).map((spans) => spans.find((s: StoredSpan) => s.service === service && isServer(s))!);

  /**
   * The start of a fresh window after a clear: requests that arrived just before it may still be doing the
   * fault's work, and a metric's last reading before the clear may predate it by a whole interval, so the
   * window starts a moment later and its first reading is one taken after that (waited for here).
   */
  const freshStart = async (metric: MetricSpec, services: string[]) => {
    const from = Date.now() + SETTLE_MS;
    await readingSince(stack.api, metric, services, from);
    return from;
  };

  /** Milliseconds each request spent in the service before its first statement (the fault's work is there). */
  const workBeforeQuery = async (answers: Answer[], service: string) =>
    (
      await tracesOf(
        stack.api,
        answers.map((a) => a.traceId),
        (spans) => servedBy(spans, service) && spans.some((s) => s.service === service && isDb(s)),
      )
    ).map((spans) => {
      const server = spans.find((s) => s.service === service && isServer(s))!;
      return Math.min(
        ...spans.filter((s) => s.service === service && isDb(s)).map((s) => offsetMs(s, server)),
      );
    });

  it('cpu: inventory’s process CPU grows by what its requests burn, its event loop stalls, its spans and callers slow; catalog’s CPU does not', async () => {
    const { api } = stack;
    const MS = 150;
    const COUNT = 8;
    const productPages = () =>
      probes(COUNT, 1, (i) => call('GET', stack.url('gateway', `/api/products/SKU-${10_031 + i}`)));
    // Inventory's CPU rate without the test's requests (the shop's steady traffic, its SDK's exports): the
    // stretch after the clear burns that too, for longer the busier the machine (its requests take longer).
    const quietFrom = Date.now();
    const quiet = await across(api, CPU, ['inventory'], { from: quietFrom, to: quietFrom + 3000 });
    const background = coresOf(quiet.inventory!);
    expect(await stack.fault('inventory', 'cpu', '--ms', String(MS))).toContain(
      'injected into inventory: cpu ms=150 share=100',
    );
    await sleep(SETTLE_MS);
    const fault = await timed(productPages);
    expect(fault.answers.map((a) => a.status)).toEqual(Array(COUNT).fill(200));
    // The process collector's CPU time covers at least what the test's requests burned (thread CPU time,
    // so a busy machine does not change it).
    const cpu = await across(api, CPU, ['inventory', 'catalog'], fault);
    expect(cpu.inventory!.change).toBeGreaterThanOrEqual((COUNT * MS * 0.9) / 1000);
    // Burned on the event loop: the runtime metrics see the stall, every request takes at least that long,
    // and so does the gateway's request around it.
    // (The runtime instrumentation reports the delay only for intervals with a few loop iterations, so a
    // quiet service may have no reading before the window: its readings from the window on are enough.)
    const stall = await eventually(
      async () => {
        const points = await pointsIn(api, 'nodejs.eventloop.delay.max', 'inventory', since(fault.from));
        const peak = Math.max(...points.map((p) => p.value));
        return peak >= (MS * 0.9) / 1000 ? peak : undefined;
      },
      60_000,
      'a stall of the burn in inventory’s event-loop delay',
    );
    expect(stall).toBeGreaterThanOrEqual((MS * 0.9) / 1000);
    const traces = await tracesOf(
      api,
      fault.answers.map((a) => a.traceId),
      (spans) => servedBy(spans, 'gateway', 'inventory'),
    );
    for (const spans of traces) {
      for (const service of ['inventory', 'gateway']) {
        const server = spans.find((s) => s.service === service && isServer(s))!;
        expect(durationMs(server)).toBeGreaterThanOrEqual(MS * 0.95);
      }
    }

    expect(await stack.fault('--clear', 'inventory')).toContain('inventory: cleared cpu');
    const cleared = await freshStart(CPU, ['inventory', 'catalog']);
    const after = await timed(productPages);
    expect(after.answers.map((a) => a.status)).toEqual(Array(COUNT).fill(200));
    const idle = await across(api, CPU, ['inventory', 'catalog'], { ...after, from: cleared }, 'first-after');
    // What the requests burned after the clear: the change less the background over the same stretch.
    const idleSeconds = (idle.inventory!.after.ms - idle.inventory!.before.ms) / 1000;
    expect(idle.inventory!.change - background * idleSeconds).toBeLessThan((COUNT * MS * 0.3) / 1000);
    // Specificity: catalog served the same product pages (two requests each) in both stretches, at the
    // same CPU rate — rates (cores), not seconds, because a busy machine stretches the stretches.
    expect(coresOf(cpu.catalog!)).toBeLessThan(2 * coresOf(idle.catalog!) + 0.05);
    expect(median((await serverSpans(after.answers, 'inventory')).map(durationMs))).toBeLessThan(MS / 2);
  }, 180_000);

  it('gc-pressure: notifications’ heap and GC work grow with its requests, which slow down; fraud’s do not', async () => {
    const { api } = stack;
    const COUNT = 12;
    const MB_PER_REQUEST = 32;
    const lookups = () =>
      probes(COUNT, 1, (i) =>
        call('GET', stack.url('notifications', `/notifications?userId=${userId(300 + i)}`)),
      );
    expect(
      await stack.fault('notifications', 'gc-pressure', '--mb', String(MB_PER_REQUEST), '--retainMb', '64'),
    ).toContain('injected into notifications: gc-pressure mb=32 retainMb=64');
    await sleep(SETTLE_MS);
    const fault = await timed(lookups);
    expect(fault.answers.map((a) => a.status)).toEqual(Array(COUNT).fill(200));
    // Each request keeps MB_PER_REQUEST / 8 more megabytes alive (up to retainMb): 48 MB after twelve, on
    // top of whatever garbage the heap held before.
    const heap = await across(api, HEAP, ['notifications', 'fraud'], fault);
    expect(heap.notifications!.change).toBeGreaterThanOrEqual(32 * MB);
    expect(Math.abs(heap.fraud!.change)).toBeLessThan(16 * MB);
    const gcCount = await across(api, GC_COUNT, ['notifications', 'fraud'], fault);
    const gcSeconds = await across(api, GC_SECONDS, ['notifications', 'fraud'], fault);
    expect(gcCount.notifications!.change).toBeGreaterThanOrEqual(5);
    expect(gcSeconds.notifications!.change).toBeGreaterThan(0);
    expect(gcCount.fraud!.change).toBeLessThan(gcCount.notifications!.change / 2);
    expect(gcSeconds.fraud!.change).toBeLessThan(gcSeconds.notifications!.change / 2);
    const slow = await workBeforeQuery(fault.answers, 'notifications');

    expect(await stack.fault('--clear', 'notifications')).toContain('notifications: cleared gc-pressure');
    const cleared = await freshStart(GC_COUNT, ['notifications']);
    const after = await timed(lookups);
    expect(after.answers.map((a) => a.status)).toEqual(Array(COUNT).fill(200));
    // The churn stops at once; the released working set goes at V8's next major collection, whenever that is.
    const gcAfter = await across(
      api,
      GC_COUNT,
      ['notifications'],
      { ...after, from: cleared },
      'first-after',
    );
    expect(gcAfter.notifications!.change).toBeLessThan(gcCount.notifications!.change / 2);
    // Every request under the fault spent longer before its query (allocating) than a typical one after.
    const fast = await workBeforeQuery(after.answers, 'notifications');
    expect(Math.min(...slow)).toBeGreaterThan(median(fast));
  }, 180_000);

  it('disk-io: orders’ process writes what its requests write, its requests take longer; inventory’s writes do not grow', async () => {
    const { api } = stack;
    const COUNT = 10;
    const WRITES = 16;
    const KB = 256;
    const requested = COUNT * WRITES * KB * 1024;
    const histories = () =>
      probes(COUNT, 1, (i) => call('GET', stack.url('orders', `/orders?userId=${userId(400 + i)}`)));
    expect(await stack.fault('orders', 'disk-io', '--writes', String(WRITES), '--kb', String(KB))).toContain(
      'injected into orders: disk-io writes=16 kb=256',
    );
    await sleep(SETTLE_MS);
    const fault = await timed(histories);
    expect(fault.answers.map((a) => a.status)).toEqual(Array(COUNT).fill(200));
    // write_bytes of /proc/<pid>/io: what reached the page cache for the disk (fsync-ed at every write).
    const written = await across(api, WRITTEN, ['orders', 'inventory'], fault);
    expect(written.orders!.change).toBeGreaterThanOrEqual(requested * 0.9);
    // A quarter of it: more than a SQLite WAL checkpoint (at most 4 MB) can write at any time.
    expect(written.inventory!.change).toBeLessThan(requested / 4);
    const slow = await workBeforeQuery(fault.answers, 'orders');

    expect(await stack.fault('--clear', 'orders')).toContain('orders: cleared disk-io');
    const cleared = await freshStart(WRITTEN, ['orders']);
    const after = await timed(histories);
    expect(after.answers.map((a) => a.status)).toEqual(Array(COUNT).fill(200));
    const writtenAfter = await across(api, WRITTEN, ['orders'], { ...after, from: cleared }, 'first-after');
    expect(writtenAfter.orders!.change).toBeLessThan(requested / 4);
    // Every request under the fault spent longer before its query (writing) than a typical one after.
    const fast = await workBeforeQuery(after.answers, 'orders');
    expect(Math.min(...slow)).toBeGreaterThan(median(fast));
  }, 180_000);

  it('audit log: lists every fault this file injected and cleared, with its parameters', () => {
    const audit = readAudit(stack.dataDir);
    const expected = [
      ['inventory', 'cpu', { ms: 150, share: 100 }],
      ['notifications', 'gc-pressure', { mb: 32, retainMb: 64 }],
      ['orders', 'disk-io', { writes: 16, kb: 256 }],
    ] as const;
    for (const [service, kind, params] of expected) {
      expect(
        audit.find((e) => e.service === service && e.kind === kind && e.action === 'inject'),
      ).toMatchObject({ params, by: 'admin', until: null });
      expect(audit.some((e) => e.service === service && e.kind === kind && e.action === 'clear')).toBe(true);
    }
    expect(audit.filter((e) => e.action === 'inject')).toHaveLength(expected.length);
  });
});
