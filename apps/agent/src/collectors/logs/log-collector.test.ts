/**
 * The collector on real files: line content (partial lines, invalid UTF-8, very long lines, multiline
 * records, parsing), what it delivers (resources, batches, error counts) and how it treats its sink
 * (checkpoints only after success, retries, back-pressure).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NumberDataPoint, ResourceMetrics } from '@apo/shared/model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE } from './checkpoint-store.ts';
import { LOG_ERRORS_METRIC, LOG_RECORDS_METRIC } from './log-count-metrics.ts';
import { asFileText, CollectorHarness, numberedLines, waitUntil } from './testing/collector-harness.ts';

let h: CollectorHarness;
beforeEach(async () => {
  h = await CollectorHarness.create();
});
afterEach(async () => {
  await h.dispose();
});

const fromStart = (path: string, extra: object = {}) => ({
  include: [path],
  service: 'app',
  startAt: 'beginning' as const,
  ...extra,
});

describe('line content', () => {
  it('holds a partial last line until it is completed', async () => {
    const log = h.path('a.log');
    writeFileSync(log, 'first\nsecond-');
    await h.start([fromStart(log)], { tuning: { partialLineFlushMs: 60_000 } });
    await h.waitForBodies(1);
    appendFileSync(log, 'part\nthird\n');
    await h.waitForBodies(3);
    expect(h.bodies()).toEqual(['first', 'second-part', 'third']);
  });

  it('emits a partial last line once the file has been quiet for a while', async () => {
    const log = h.path('a.log');
    writeFileSync(log, 'first\nno newline yet');
    await h.start([fromStart(log)], { tuning: { partialLineFlushMs: 200 } });
    await h.waitForBodies(2);
    expect(h.bodies()).toEqual(['first', 'no newline yet']);
  });

  it('survives invalid UTF-8 (replacement characters) and reads the lines after it', async () => {
    const log = h.path('a.log');
    writeFileSync(
      log,
      Buffer.concat([
        Buffer.from('ok-1\nbad '),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
        Buffer.from(' end\nok-2 ünïcödé\n'),
      ]),
    );
    await h.start([fromStart(log)]);
    const bodies = await h.waitForBodies(3);
    expect(bodies[0]).toBe('ok-1');
    // Each invalid byte (and the lone surrogate's three) becomes one U+FFFD, as TextDecoder does.
    expect(bodies[1]).toBe('bad \uFFFD\uFFFD\uFFFD(\uFFFD\uFFFD\uFFFD end');
    expect(bodies[2]).toBe('ok-2 ünïcödé');
  });

  it('keeps a 1 MB line whole, and cuts a 3 MiB line at the 1 MiB cap with log.truncated', async () => {
    const log = h.path('a.log');
    const oneMb = 'm'.repeat(1_000_000);
    const tooLong = 'L'.repeat(3 * 1024 * 1024);
    writeFileSync(log, `${oneMb}\n${tooLong}\nafter\n`);
    await h.start([fromStart(log)]);
    await h.waitForBodies(3);
    const [whole, cut, after] = h.delivered;
    expect(whole!.record.body).toBe(oneMb);
    expect(whole!.record.attributes['log.truncated']).toBeUndefined();
    expect(cut!.record.body).toBe('L'.repeat(1024 * 1024));
    expect(cut!.record.attributes['log.truncated']).toBe(true);
    expect(after!.record.body).toBe('after');
    expect(h.collector!.stats().truncatedLines).toBe(1);
  });

  it('joins stack traces into one record with multilineStart, flushing the last one after a quiet spell', async () => {
    const log = h.path('java.log');
    const trace = [
      '2024-05-01 10:00:00.000 ERROR [main] c.a.Checkout - payment failed',
      'java.lang.IllegalStateException: card declined',
      '\tat com.acme.Checkout.pay(Checkout.java:42)',
      '\tat com.acme.Checkout.run(Checkout.java:17)',
      'Caused by: java.io.IOException: connection reset',
      '\t... 2 more',
    ];
    const next = '2024-05-01 10:00:01.000 INFO  [main] c.a.Checkout - retrying';
    writeFileSync(log, asFileText([...trace, next]));
    await h.start([fromStart(log, { multilineStart: '^\\d{4}-\\d{2}-\\d{2} ' })]);
    await h.waitForBodies(2);
    const [first, second] = h.delivered;
    expect(first!.record.body).toBe(trace.join('\n'));
    expect(first!.record.severityNumber).toBe(17);
    expect(first!.record.timeUnixNano).toBe(BigInt(Date.parse('2024-05-01T10:00:00Z')) * 1_000_000n);
    expect(second!.record.body).toBe(next);
    expect(second!.record.severityNumber).toBe(9);
  });
});

describe('what is delivered', () => {
  it('puts each source under its own resource (service, instance, host, extra attributes)', async () => {
    writeFileSync(
      h.path('api.log'),
      '{"level":"info","msg":"api up","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736"}\n',
    );
    writeFileSync(h.path('worker.log'), '2024-05-01T10:00:00Z WARN worker slow\n');
    await h.start(
      [
        fromStart(h.path('api.log'), { service: 'api', instance: 'api-1', attributes: { team: 'payments' } }),
        fromStart(h.path('worker.log'), { service: 'worker', format: 'text' }),
      ],
      { hostName: 'node-7' },
    );
    await h.waitForBodies(2);
    const api = h.delivered.find((d) => d.record.body === 'api up')!;
    expect({ ...api.resource.attributes }).toEqual({
      team: 'payments',
      'service.name': 'api',
      'service.instance.id': 'api-1',
      'host.name': 'node-7',
    });
    expect(api.record.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(api.record.attributes['log.file.name']).toBe('api.log');
    const worker = h.delivered.find((d) => d.record.body === '2024-05-01T10:00:00Z WARN worker slow')!;
    // Without an instance, the host name is the instance.
    expect(worker.resource.attributes['service.instance.id']).toBe('node-7');
    expect(worker.record.severityNumber).toBe(13);
    expect(h.calls[0]!.batch[0]!.scopeLogs[0]!.scope.name).toBe('@apo/agent/logs');
  });

  it('counts records and errors per (service, instance) as cumulative sums', async () => {
    writeFileSync(
      h.path('a.log'),
      asFileText([
        '2024-05-01T10:00:00Z INFO ok',
        '2024-05-01T10:00:00Z ERROR bad',
        '{"level":60,"msg":"fatal"}',
      ]),
    );
    writeFileSync(h.path('b.log'), asFileText(['ERROR one', 'CRITICAL two', 'WARN three', 'plain']));
    await h.start([
      fromStart(h.path('a.log'), { service: 'svc', instance: 'i-1' }),
      fromStart(h.path('b.log'), { service: 'svc', instance: 'i-2' }),
    ]);
    await h.waitForBodies(7);
    const metrics = h.collector!.metrics();
    expect(counts(metrics)).toEqual({
      'svc/i-1': { [LOG_RECORDS_METRIC]: 3n, [LOG_ERRORS_METRIC]: 2n },
      'svc/i-2': { [LOG_RECORDS_METRIC]: 4n, [LOG_ERRORS_METRIC]: 2n },
    });
    const sum = metrics[0]!.scopeMetrics[0]!.metrics[0]!.data;
    expect(sum).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 });
  });

  it('batches by record count', async () => {
    writeFileSync(h.path('a.log'), asFileText(numberedLines('l', 1, 250)));
    await h.start([fromStart(h.path('a.log'))], { tuning: { batchMaxRecords: 100 } });
    await h.waitForBodies(250);
    expect(h.calls.map((c) => c.info.records)).toEqual([100, 100, 50]);
    expect(new Set(h.calls.map((c) => c.info.batchId)).size).toBe(3);
    expect(h.calls.every((c) => /^[A-Za-z0-9._:-]{1,128}$/.test(c.info.batchId))).toBe(true);
  });

  it('leaves out excluded files', async () => {
    writeFileSync(h.path('app.log'), 'kept\n');
    writeFileSync(h.path('debug.log'), 'excluded\n');
    await h.start([
      { include: [h.path('*.log')], exclude: [h.path('debug*')], service: 'app', startAt: 'beginning' },
    ]);
    await h.waitForBodies(1);
    writeFileSync(h.path('later.log'), 'also kept\n');
    await h.waitForBodies(2);
    expect(h.bodies()).toEqual(['kept', 'also kept']);
  });
});

describe('the sink', () => {
  it('does not advance a checkpoint while the sink rejects, and delivers the same batch (same id) later', async () => {
    const log = h.path('a.log');
    writeFileSync(log, asFileText(numberedLines('l', 1, 20)));
    h.behaviour = () => Promise.reject(new Error('queue full'));
    await h.start([fromStart(log)]);
    await waitUntil(() => h.calls.length >= 3, 'the sink to be retried');
    expect(h.collector!.stats().sinkFailures).toBeGreaterThanOrEqual(3);
    expect(new Set(h.calls.map((c) => c.info.batchId)).size).toBe(1);
    const rejectedId = h.calls[0]!.info.batchId;
    await h.stop();
    const saved = JSON.parse(readFileSync(join(h.dataDir, CHECKPOINT_FILE), 'utf8')) as {
      files: { offset: number }[];
      pending: { batchId: string } | null;
    };
    expect(saved.files.every((f) => f.offset === 0)).toBe(true);
    expect(saved.pending?.batchId).toBe(rejectedId);
    h.behaviour = () => Promise.resolve();
    h.calls.length = 0;
    await h.start([fromStart(log)]);
    await h.waitForBodies(20);
    expect(h.bodies()).toEqual(numberedLines('l', 1, 20));
    expect(h.calls[0]!.info).toMatchObject({ batchId: rejectedId, replay: true, records: 20 });
  });

  it('stops reading while the sink is behind (bounded memory), and catches up when it answers', async () => {
    const log = h.path('a.log');
    const lines = numberedLines('line-with-some-padding-to-make-it-longer', 1, 20_000);
    writeFileSync(log, asFileText(lines));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.behaviour = () => gate;
    await h.start([fromStart(log)], { tuning: { batchMaxRecords: 100, readChunkBytes: 16 * 1024 } });
    // The reader runs into the limit and waits there rather than reading the 1 MB file.
    // The first batch's send may reach the sink a moment after the reader stops (a busy machine): wait for both.
    await waitUntil(
      () => h.collector!.stats().sinkWaits >= 1 && h.calls.length >= 1,
      'the reader to stop for the sink, with the first batch at it',
    );
    const stats = h.collector!.stats();
    expect(h.calls).toHaveLength(1);
    // One batch at the sink, one sealed behind it, one full: 3 × 100 records.
    expect(stats.records).toBe(300);
    expect(stats.bytesRead).toBeLessThan(64 * 1024);
    release();
    await h.waitForBodies(lines.length);
    expect(h.bodies()).toEqual(lines);
  });
});

function counts(metrics: ResourceMetrics[]): Record<string, Record<string, bigint>> {
  const out: Record<string, Record<string, bigint>> = {};
  for (const rm of metrics) {
    const key = `${rm.resource.attributes['service.name'] as string}/${rm.resource.attributes['service.instance.id'] as string}`;
    const values: Record<string, bigint> = {};
    for (const metric of rm.scopeMetrics[0]!.metrics) {
      if (metric.data.type === 'sum')
        values[metric.name] = (metric.data.points[0] as NumberDataPoint).value as bigint;
    }
    out[key] = values;
  }
  return out;
}
