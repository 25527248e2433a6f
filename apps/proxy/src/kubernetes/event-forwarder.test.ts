import { describe, expect, it } from 'vitest';
import type { OutboundBatch } from '@apo/otlp-transport';
import { pino } from 'pino';
import { EventForwarder } from './event-forwarder.ts';
import { batchIdOf, type KubeEventRecord } from './event-records.ts';

const log = pino({ level: 'silent' });

function record(n: number): KubeEventRecord {
  return {
    key: `event:${n}`,
    resource: Object.create(null) as KubeEventRecord['resource'],
    record: {
      timeUnixNano: 1n,
      observedTimeUnixNano: 1n,
      severityNumber: 13,
      severityText: 'Warning',
      body: `event ${n}`,
      attributes: Object.create(null) as KubeEventRecord['resource'],
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: 'k8s.event',
    },
  };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('EventForwarder', () => {
  it('keeps records in order while the queue refuses, and hands them all on once it takes them', async () => {
    const queued: OutboundBatch[] = [];
    let refusals = 2;
    const forwarder = new EventForwarder({
      log,
      enqueue: (batch) => {
        if (refusals > 0) {
          refusals--;
          throw new Error('queue full');
        }
        queued.push(batch);
      },
    });
    for (let i = 1; i <= 3; i++) forwarder.forward(record(i));
    await until(() => queued.length === 3);
    expect(queued.map((b) => b.batchId)).toEqual([1, 2, 3].map((i) => batchIdOf(`event:${i}`)));
    expect(forwarder.stats).toEqual({ forwarded: 3, dropped: 0, backlog: 0, enqueueFailures: 2 });
    await forwarder.close();
  });

  it('drops the oldest beyond its bound and counts them, also what is left at close', async () => {
    const forwarder = new EventForwarder({
      log,
      maxBacklog: 2,
      enqueue: () => Promise.reject(new Error('disk full')),
    });
    for (let i = 1; i <= 5; i++) forwarder.forward(record(i));
    await until(() => forwarder.stats.enqueueFailures >= 1);
    expect(forwarder.stats).toMatchObject({ forwarded: 0, dropped: 3, backlog: 2 });
    await forwarder.close();
    expect(forwarder.stats).toMatchObject({ forwarded: 0, dropped: 5, backlog: 0 });
  });
});
