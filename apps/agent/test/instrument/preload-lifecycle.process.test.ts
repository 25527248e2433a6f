import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '@apo/otlp-transport/testing';
import { fixtureEnv, ofPid, startFixture, waitForReady } from './fixture-process.ts';
import { startTestOtlpReceiver, type TestOtlpReceiver } from './otlp-test-receiver.ts';

// Real processes against a test-only OTLP receiver standing in for the APO agent: how the preload starts,
// stops and flushes, and that it leaves the app's own exit behaviour alone.

vi.setConfig({ testTimeout: 60_000 });

let receiver: TestOtlpReceiver;
let dataDir: string;

beforeAll(async () => {
  receiver = await startTestOtlpReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'apo-preload-lifecycle-'));
});

afterAll(async () => {
  await receiver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (extra?: Record<string, string>) =>
  fixtureEnv({ PATH: process.env.PATH, HOME: process.env.HOME }, receiver.url, extra);

interface OrderResponse {
  traceId: string;
}

describe('preload process behaviour: exit, disabling, double start (test OTLP receiver standing in for the agent)', () => {
  it('flushes buffered spans on SIGTERM and the app still dies of SIGTERM', async () => {
    // Delays far beyond the test: whatever arrives was sent by the SIGTERM flush.
    const app = startFixture(
      '--import',
      'server.mts',
      [join(dataDir, 'sigterm.db')],
      env({ OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_BLRP_SCHEDULE_DELAY: '600000' }),
    );
    try {
      const { expressPort } = (await waitForReady(app)) as { expressPort: number };
      const order = (await (await fetch(`http://127.0.0.1:${expressPort}/orders/1`)).json()) as OrderResponse;
      app.proc.kill('SIGTERM');
      expect(await app.exited()).toEqual({ code: null, signal: 'SIGTERM' });
      const spans = receiver.spans().filter((s) => s.span.traceId === order.traceId);
      expect(spans.map((s) => s.span.name)).toEqual(
        expect.arrayContaining(['GET /orders/:id', 'SELECT orders']),
      );
      expect(receiver.logs().some((l) => l.record.traceId === order.traceId)).toBe(true);
    } finally {
      app.kill();
    }
  });

  it.each(['--require', '--import'] as const)(
    'flushes when a short job ends by itself and keeps its exit code (%s)',
    async (flag) => {
      const job = startFixture(flag, 'job.cts', [join(dataDir, `job${flag}.db`)], env());
      expect(await job.exited()).toEqual({ code: 3, signal: null });
      const insert = receiver
        .spans()
        .filter(ofPid(job.proc.pid))
        .find((s) => s.span.name === 'INSERT runs');
      expect(insert?.resource['service.name']).toBe('apo-fixture-shop');
      expect(
        receiver
          .logs()
          .filter(ofPid(job.proc.pid))
          .map((l) => l.record.body),
      ).toContain('job done');
      expect(job.stderr()).toBe('');
    },
  );

  it('with the agent unreachable the job neither crashes nor reports anything, and keeps its exit code', async () => {
    const closedPort = await freePort();
    const job = startFixture(
      '--require',
      'job.cts',
      [join(dataDir, 'job-unreachable.db')],
      env({
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}`,
        APO_INSTRUMENT_FLUSH_TIMEOUT: '1000',
      }),
    );
    expect(await job.exited()).toEqual({ code: 3, signal: null });
    expect(job.stderr()).toBe('');
    expect(job.jsonLines().map((l) => l.msg)).toContain('job done');
  });

  it('starts once when both --require and --import name the preload', async () => {
    const job = startFixture('both', 'job.cts', [join(dataDir, 'job-both.db')], env());
    expect(await job.exited()).toEqual({ code: 3, signal: null });
    const inserts = receiver
      .spans()
      .filter(ofPid(job.proc.pid))
      .filter((s) => s.span.name === 'INSERT runs');
    expect(inserts).toHaveLength(1);
  });

  it('does nothing with OTEL_SDK_DISABLED=true', async () => {
    const job = startFixture(
      '--require',
      'job.cts',
      [join(dataDir, 'job-disabled.db')],
      env({ OTEL_SDK_DISABLED: 'true' }),
    );
    expect(await job.exited()).toEqual({ code: 3, signal: null });
    const line = job.jsonLines().find((l) => l.msg === 'job done');
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty('trace_id');
    expect(receiver.spans().filter(ofPid(job.proc.pid))).toEqual([]);
    expect(receiver.logs().filter(ofPid(job.proc.pid))).toEqual([]);
  });

  it('leaves SIGTERM to an app that handles it (and works under node -e with --require)', async () => {
    const app = startFixture(
      '--require',
      '-e',
      [
        "process.on('SIGTERM', () => { console.log('app handled SIGTERM'); setTimeout(() => process.exit(7), 100); });" +
          'setInterval(() => {}, 1000); console.log(\'{"fixture":"ready"}\');',
      ],
      env(),
    );
    await waitForReady(app);
    app.proc.kill('SIGTERM');
    expect(await app.exited()).toEqual({ code: 7, signal: null });
    expect(app.stdout()).toContain('app handled SIGTERM');
  });
});
