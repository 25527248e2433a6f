import { type ChildProcess, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Attributes, type LogRecord, type ResourceMetrics } from '@apo/shared/model';
import { decodeLogsProto, decodeMetricsProto, encodeLogsProto, encodeMetricsProto } from '@apo/shared/otlp';
import { afterAll, describe, expect, it } from 'vitest';
import { attributes } from '../host/metric-set.ts';
import { metricNamed, pointWith, valueOf } from '../host/testing/metric-lookup.ts';
import { createProcessTracker, type ProcessCollection } from './process-tracker.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const NOW = 1_800_000_000_000_000_000n;
const fixed = () => NOW;
const PID = 4242;

const checkout = (extra: Record<string, string> = {}): Attributes =>
  attributes({
    'service.name': 'checkout',
    'service.instance.id': 'i-1',
    'service.version': '1.2.3',
    'host.name': 'web-1',
    'process.pid': BigInt(PID),
    'telemetry.sdk.name': 'opentelemetry',
    ...extra,
  });

const metricsOf = (rm: ResourceMetrics) => rm.scopeMetrics.flatMap((s) => s.metrics);
const eventRecords = (collection: ProcessCollection): LogRecord[] =>
  collection.events.flatMap((e) => e.scopeLogs.flatMap((s) => s.logRecords));

const tmpDirs: string[] = [];
async function fixtureCopy(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'apo-proc-'));
  tmpDirs.push(dir);
  await cp(join(fixtures, name, 'proc'), dir, { recursive: true });
  return dir;
}
afterAll(async () => {
  await Promise.all(tmpDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Rewrites field `n` (1-based, proc(5) numbering) of a stat file. */
async function setStatField(path: string, n: number, value: string): Promise<void> {
  const fields = (await readFile(path, 'latin1')).trimEnd().split(' ');
  fields[n - 1] = value;
  await writeFile(path, `${fields.join(' ')}\n`);
}

describe('process tracker on a recorded Node.js process (8 threads, delay accounting off)', async () => {
  const tracker = createProcessTracker({ procRoot: join(fixtures, 'delayacct-off/proc'), now: fixed });
  tracker.observeResource(checkout());
  const collection = await tracker.collect();
  const [rm] = collection.resourceMetrics;
  const metrics = rm === undefined ? [] : metricsOf(rm);
  // uptime 12964.98 s, process start 1296197 ticks after boot: it started 3.01 s before NOW.
  const startNs = NOW - 3_010_000_000n;

  it('gives the process its own resource, from the telemetry that announced it', () => {
    expect(collection.resourceMetrics).toHaveLength(1);
    expect({ ...rm!.resource.attributes }).toEqual({
      'service.name': 'checkout',
      'service.instance.id': 'i-1',
      'service.version': '1.2.3',
      'host.name': 'web-1',
      'process.pid': 4242n,
      'process.creation.time': new Date(Number(startNs / 1_000_000n)).toISOString(),
    });
  });

  it('reports CPU time by mode from clock ticks, starting at the process start', () => {
    const user = pointWith(metricNamed(metrics, 'process.cpu.time'), { 'cpu.mode': 'user' });
    expect(user.value).toBe(0.16);
    expect(user.startTimeUnixNano).toBe(startNs);
    expect(valueOf(metrics, 'process.cpu.time', { 'cpu.mode': 'system' })).toBe(0.02);
    expect(metricNamed(metrics, 'process.cpu.time').data).toMatchObject({ type: 'sum', isMonotonic: true });
    expect(valueOf(metrics, 'process.uptime')).toBeCloseTo(3.01, 9);
  });

  it('sums run-queue wait and context switches over all threads, not just the main one', () => {
    const waitNs = 43110239 + 68434 + 8312677 + 4281958 + 6504247 + 1225142 + 1657881 + 34712343;
    expect(valueOf(metrics, 'apo.process.runqueue.wait.time')).toBeCloseTo(waitNs / 1e9, 12);
    const switches = (type: string) =>
      valueOf(metrics, 'process.context_switches', { 'process.context_switch.type': type });
    expect(switches('voluntary')).toBe(164 + 1 + 23 + 21 + 21 + 24 + 1 + 60);
    expect(switches('involuntary')).toBe(64 + 1 + 1 + 1 + 3 + 0 + 0 + 85);
  });

  it('reports memory, threads, descriptors, disk I/O and page faults', () => {
    expect(valueOf(metrics, 'process.memory.usage')).toBe(70968 * 1024);
    expect(metricNamed(metrics, 'process.memory.usage').data).toMatchObject({
      type: 'sum',
      isMonotonic: false,
    });
    expect(valueOf(metrics, 'process.memory.virtual')).toBe(2012268 * 1024);
    expect(valueOf(metrics, 'process.thread.count')).toBe(8);
    expect(valueOf(metrics, 'process.unix.file_descriptor.count')).toBe(27);
    expect(valueOf(metrics, 'process.disk.io', { 'disk.io.direction': 'read' })).toBe(24576);
    expect(valueOf(metrics, 'process.disk.io', { 'disk.io.direction': 'write' })).toBe(1064960);
    expect(valueOf(metrics, 'process.paging.faults', { 'process.paging.fault_type': 'minor' })).toBe(6666);
  });

  it('leaves block-I/O delay out, and says so, when delay accounting is off', () => {
    expect(collection.blockIoDelayAvailable).toBe(false);
    expect(metrics.some((m) => m.name === 'apo.process.blkio.delay.time')).toBe(false);
  });

  it('produces records the OTLP encoder accepts, and no event on first sight', () => {
    expect(collection.events).toEqual([]);
    const decoded = decodeMetricsProto(encodeMetricsProto({ resourceMetrics: collection.resourceMetrics }));
    if (!decoded.ok) throw decoded.error;
    expect(decoded.value.resourceMetrics[0]!.resource.attributes['process.pid']).toBe(4242n);
  });
});

describe('process tracker edge cases on recorded files', () => {
  it('reports block-I/O delay summed over threads when delay accounting is on', async () => {
    const tracker = createProcessTracker({ procRoot: join(fixtures, 'delayacct-on/proc'), now: fixed });
    tracker.observe(PID, checkout());
    const collection = await tracker.collect();
    expect(collection.blockIoDelayAvailable).toBe(true);
    expect(valueOf(metricsOf(collection.resourceMetrics[0]!), 'apo.process.blkio.delay.time')).toBe(0.1);
  });

  it("skips what another user's process hides (io, fd) and reports the rest", async () => {
    const dir = await fixtureCopy('delayacct-off');
    await rm(join(dir, `${PID}/io`));
    await rm(join(dir, `${PID}/fd`), { recursive: true });
    const tracker = createProcessTracker({ procRoot: dir, now: fixed });
    tracker.observe(PID, checkout());
    const metrics = metricsOf((await tracker.collect()).resourceMetrics[0]!);
    expect(metrics.map((m) => m.name)).not.toContain('process.disk.io');
    expect(metrics.map((m) => m.name)).not.toContain('process.unix.file_descriptor.count');
    expect(valueOf(metrics, 'process.memory.usage')).toBe(70968 * 1024);
  });

  it('keeps the counts of a thread that exited, so totals never go down', async () => {
    const dir = await fixtureCopy('delayacct-off');
    let now = NOW;
    const tracker = createProcessTracker({ procRoot: dir, now: () => now });
    tracker.observe(PID, checkout());
    const voluntary = (c: ProcessCollection) =>
      valueOf(metricsOf(c.resourceMetrics[0]!), 'process.context_switches', {
        'process.context_switch.type': 'voluntary',
      });
    const first = voluntary(await tracker.collect());
    await rm(join(dir, `${PID}/task/4250`), { recursive: true }); // 60 voluntary switches
    const status = join(dir, `${PID}/task/4245/status`);
    await writeFile(
      status,
      (await readFile(status, 'latin1')).replace(
        'voluntary_ctxt_switches:\t23',
        'voluntary_ctxt_switches:\t30',
      ),
    );
    now += 15_000_000_000n;
    expect(voluntary(await tracker.collect())).toBe(first + 7);
  });

  it('drops a pid that vanished', async () => {
    const dir = await fixtureCopy('delayacct-off');
    const tracker = createProcessTracker({ procRoot: dir, now: fixed });
    tracker.observe(PID, checkout());
    expect((await tracker.collect()).resourceMetrics).toHaveLength(1);
    await rm(join(dir, String(PID)), { recursive: true });
    expect((await tracker.collect()).resourceMetrics).toHaveLength(0);
    expect(tracker.stats().tracked).toBe(0);
  });

  it('does not lend an announced identity to an unrelated process that reused the pid', async () => {
    const dir = await fixtureCopy('delayacct-off');
    const tracker = createProcessTracker({ procRoot: dir, now: fixed });
    tracker.observe(PID, checkout());
    expect((await tracker.collect()).resourceMetrics).toHaveLength(1);
    await setStatField(join(dir, `${PID}/stat`), 22, '1296900'); // another process, same pid, no telemetry
    expect((await tracker.collect()).resourceMetrics).toHaveLength(0);
    expect(tracker.stats().tracked).toBe(0);
  });

  it('reports a restart in place (same pid, new start time) once the new process announces itself', async () => {
    const dir = await fixtureCopy('delayacct-off');
    const tracker = createProcessTracker({ procRoot: dir, now: fixed });
    tracker.observe(PID, checkout());
    await tracker.collect();
    tracker.observe(PID, checkout()); // the old process's last batch, or the new one's first: ambiguous
    await setStatField(join(dir, `${PID}/stat`), 22, '1296900');
    const ambiguous = await tracker.collect();
    expect(ambiguous.resourceMetrics).toHaveLength(0);
    expect(ambiguous.events).toEqual([]);
    tracker.observe(PID, checkout());
    const confirmed = await tracker.collect();
    expect(confirmed.resourceMetrics).toHaveLength(1);
    const [restart] = eventRecords(confirmed);
    expect(restart?.eventName).toBe('process.restart');
    expect(restart?.attributes['process.pid']).toBe(4242n);
    expect(restart?.attributes['apo.previous.process.pid']).toBe(4242n);
    expect(restart?.attributes['process.creation.time']).not.toBe(
      restart?.attributes['apo.previous.process.creation.time'],
    );
  });

  it('drops a reused pid whose new process does not announce itself within a cycle', async () => {
    const dir = await fixtureCopy('delayacct-off');
    const tracker = createProcessTracker({ procRoot: dir, now: fixed });
    tracker.observe(PID, checkout());
    await tracker.collect();
    tracker.observe(PID, checkout());
    await setStatField(join(dir, `${PID}/stat`), 22, '1296900');
    expect((await tracker.collect()).resourceMetrics).toHaveLength(0);
    expect(tracker.stats().tracked).toBe(1); // waiting for an announcement
    expect((await tracker.collect()).resourceMetrics).toHaveLength(0);
    expect(tracker.stats().tracked).toBe(0);
    tracker.observe(PID, checkout()); // announced later: tracked afresh
    expect((await tracker.collect()).resourceMetrics).toHaveLength(1);
  });

  it('measures processes matching a command-line pattern, named after their executable', async () => {
    const tracker = createProcessTracker({
      procRoot: join(fixtures, 'delayacct-off/proc'),
      now: fixed,
      patterns: [/fixture-proc\.js/g],
      hostName: 'db-1',
    });
    for (let cycle = 0; cycle < 2; cycle++) {
      const collection = await tracker.collect();
      expect(collection.resourceMetrics).toHaveLength(1);
      const resource = collection.resourceMetrics[0]!.resource.attributes;
      expect(resource['service.name']).toBe('node');
      expect(resource['process.executable.name']).toBe('node');
      expect(resource['host.name']).toBe('db-1');
      expect(collection.events).toEqual([]);
    }
    const none = createProcessTracker({
      procRoot: join(fixtures, 'delayacct-off/proc'),
      patterns: [/postgres/],
    });
    expect((await none.collect()).resourceMetrics).toHaveLength(0);
  });

  it('ignores invalid pids and bounds the number of tracked processes', () => {
    const tracker = createProcessTracker({ procRoot: join(fixtures, 'delayacct-off/proc'), maxProcesses: 2 });
    tracker.observe(0, checkout());
    tracker.observe(-5, checkout());
    tracker.observe(1.5, checkout());
    tracker.observeResource(attributes({ 'service.name': 'x', 'process.pid': 'not a pid' }));
    tracker.observeResource(attributes({ 'service.name': 'x', 'process.pid': 11n }));
    tracker.observe(12, checkout());
    tracker.observe(13, checkout());
    expect(tracker.stats()).toEqual({ tracked: 2, ignoredAnnouncements: 1 });
  });
});

describe('process tracker on this machine (live /proc, real child processes)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  function startChild(marker: string): ChildProcess {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
    children.push(child);
    return child;
  }

  async function stopChild(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Polls until the child's /proc entry shows its command line (spawn returns before exec completes). */
  async function started(child: ChildProcess, marker: string): Promise<number> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if (readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').includes(marker)) return child.pid!;
      } catch {
        // not there yet
      }
      if (Date.now() > deadline) throw new Error(`child ${child.pid} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('finds the test process itself by pid, with RSS and CPU time, and reports delay accounting as it is', async () => {
    const tracker = createProcessTracker();
    tracker.observe(
      process.pid,
      attributes({ 'service.name': 'vitest', 'process.pid': BigInt(process.pid) }),
    );
    const collection = await tracker.collect();
    const own = collection.resourceMetrics.find(
      (r) => r.resource.attributes['process.pid'] === BigInt(process.pid),
    );
    expect(own).toBeDefined();
    const metrics = metricsOf(own!);
    expect(valueOf(metrics, 'process.memory.usage')).toBeGreaterThan(0);
    expect(valueOf(metrics, 'process.cpu.time', { 'cpu.mode': 'user' })).toBeGreaterThan(0);
    expect(valueOf(metrics, 'process.thread.count')).toBeGreaterThanOrEqual(1);
    expect(valueOf(metrics, 'process.unix.file_descriptor.count')).toBeGreaterThan(2);
    const delayacct = readFileSync('/proc/sys/kernel/task_delayacct', 'latin1').trim() === '1';
    expect(collection.blockIoDelayAvailable).toBe(delayacct);
    expect(metrics.some((m) => m.name === 'apo.process.blkio.delay.time')).toBe(delayacct);
  });

  it('reports a restart when a process with the same identity replaces a killed one, and version changes', async () => {
    const tracker = createProcessTracker();
    const identity = (version: string, pid: number) =>
      attributes({
        'service.name': 'restart-test',
        'service.instance.id': 'instance-1',
        'service.version': version,
        'process.pid': BigInt(pid),
      });
    const marker = `apo-restart-test-${process.pid}`;

    const first = startChild(marker);
    const firstPid = await started(first, marker);
    tracker.observeResource(identity('1.0.0', firstPid));
    const one = await tracker.collect();
    expect(one.resourceMetrics.map((r) => r.resource.attributes['process.pid'])).toEqual([BigInt(firstPid)]);
    expect(one.events).toEqual([]);

    await stopChild(first);
    const gone = await tracker.collect();
    expect(gone.resourceMetrics).toEqual([]); // dropped after one missed cycle
    expect(gone.events).toEqual([]);

    const second = startChild(marker);
    const secondPid = await started(second, marker);
    tracker.observeResource(identity('1.0.0', secondPid));
    const two = await tracker.collect();
    const [restart, ...others] = eventRecords(two);
    expect(others).toEqual([]);
    expect(restart?.eventName).toBe('process.restart');
    expect(restart?.attributes['event.name']).toBe('process.restart');
    expect(restart?.attributes['apo.previous.process.pid']).toBe(BigInt(firstPid));
    expect(restart?.attributes['process.pid']).toBe(BigInt(secondPid));
    expect(restart?.body).toEqual(expect.stringContaining(`pid ${firstPid}`));
    expect(two.events[0]!.resource.attributes['service.name']).toBe('restart-test');
    const logs = decodeLogsProto(encodeLogsProto({ resourceLogs: two.events }));
    if (!logs.ok) throw logs.error;
    expect(logs.value.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.eventName).toBe('process.restart');

    await stopChild(second);
    const third = startChild(marker);
    const thirdPid = await started(third, marker);
    tracker.observeResource(identity('2.0.0', thirdPid));
    const three = eventRecords(await tracker.collect());
    expect(three.map((e) => e.eventName)).toEqual(['process.restart', 'service.version.change']);
    expect(three[1]!.attributes['apo.previous.service.version']).toBe('1.0.0');
    expect(three[1]!.attributes['service.version']).toBe('2.0.0');

    tracker.observeResource(identity('2.0.1', thirdPid)); // a new version announced by the same process
    const four = eventRecords(await tracker.collect());
    expect(four.map((e) => e.eventName)).toEqual(['service.version.change']);
    expect(four[0]!.attributes['process.pid']).toBe(BigInt(thirdPid));
    expect(four[0]!.attributes['apo.previous.process.pid']).toBe(BigInt(thirdPid));
    await stopChild(third);
  });

  it('finds a process by command-line pattern', async () => {
    const marker = `apo-pattern-test-${process.pid}`;
    const child = startChild(marker);
    const pid = await started(child, marker);
    const tracker = createProcessTracker({ patterns: [new RegExp(marker)] });
    const collection = await tracker.collect();
    expect(collection.resourceMetrics.map((r) => r.resource.attributes['process.pid'])).toEqual([
      BigInt(pid),
    ]);
    await stopChild(child);
  });
});
