import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProducer, startConsumer, type Message } from './queue.ts';

/** Temporary directories of this file, removed after its tests. */
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('file-backed queue', () => {
  it('delivers every message once, in order, with its trace-context headers field', async () => {
    const dir = tempDir('demo-queue-');
    const producer = createProducer(dir, 'order-events');
    for (let i = 0; i < 5; i++) await producer.publish('order.placed', { n: i });
    const got: Message[] = [];
    const stop = startConsumer(dir, 'order-events', (m) => (got.push(m), Promise.resolve()), {
      group: 'g',
      pollMs: 10,
    });
    await until('five messages', () => got.length === 5);
    await producer.publish('order.refunded', { n: 5 });
    await until('the sixth', () => got.length === 6);
    await stop();
    expect(got.map((m) => (m.payload as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(got[5]?.type).toBe('order.refunded');
    expect(typeof got[0]?.headers).toBe('object');

    // A restarted consumer resumes after its checkpoint.
    const again: Message[] = [];
    await producer.publish('order.placed', { n: 6 });
    const stop2 = startConsumer(dir, 'order-events', (m) => (again.push(m), Promise.resolve()), {
      group: 'g',
      pollMs: 10,
    });
    await until('the seventh', () => again.length === 1);
    await stop2();
    expect((again[0]?.payload as { n: number }).n).toBe(6);
  });

  it('moves to the next segment and deletes the one it finished', async () => {
    const dir = tempDir('demo-queue-');
    const line = (n: number) =>
      JSON.stringify({ id: String(n), type: 't', time: 0, headers: {}, payload: { n } }) + '\n';
    writeFileSync(join(dir, '00000001.jsonl'), line(1) + line(2));
    writeFileSync(join(dir, '00000002.jsonl'), line(3));
    const got: number[] = [];
    const stop = startConsumer(
      dir,
      't',
      (m) => (got.push((m.payload as { n: number }).n), Promise.resolve()),
      {
        group: 'g',
        pollMs: 10,
      },
    );
    await until('three messages', () => got.length === 3);
    await stop();
    expect(got).toEqual([1, 2, 3]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toEqual(['00000002.jsonl']);
  });

  it('skips a message whose handler fails, reporting it', async () => {
    const dir = tempDir('demo-queue-');
    const producer = createProducer(dir, 't');
    await producer.publish('bad', {});
    await producer.publish('good', {});
    const failed: string[] = [];
    const handled: string[] = [];
    const stop = startConsumer(
      dir,
      't',
      (m) =>
        m.type === 'bad' ? Promise.reject(new Error('boom')) : (handled.push(m.type), Promise.resolve()),
      { group: 'g', pollMs: 10, onError: (_e, m) => failed.push(m.type) },
    );
    await until('both messages', () => handled.length === 1);
    await stop();
    expect(failed).toEqual(['bad']);
  });
});
