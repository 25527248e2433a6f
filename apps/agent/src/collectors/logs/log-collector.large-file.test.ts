/**
 * A 100 MB file (500,000 lines of 200 bytes, generated into os.tmpdir() and deleted afterwards), read
 * end to end with a restart of the collector in the middle: every line arrives exactly once, in order.
 * The sink checks the sequence as it goes instead of keeping 500,000 records.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceLogs } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogCollector } from './log-collector-api.ts';
import { createLogCollector } from './log-collector.ts';
import { silentLog, waitUntil } from './testing/collector-harness.ts';

const LINES = 500_000;
const LINE_BYTES = 200;

function line(n: number): string {
  const head = `2024-05-01T10:00:00.000Z INFO seq=${String(n).padStart(7, '0')} `;
  return head + 'x'.repeat(LINE_BYTES - 1 - head.length) + '\n';
}

let dir: string;
let file: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-log-large-'));
  file = join(dir, 'large.log');
  const perChunk = 25_000;
  for (let from = 0; from < LINES; from += perChunk) {
    let text = '';
    for (let n = from; n < from + perChunk; n++) text += line(n);
    await writeFile(file, text, { flag: 'a' });
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a 100 MB file', () => {
  it(
    'is read whole across a restart in the middle: no loss, no repeats, in order',
    { timeout: 180_000 },
    async () => {
      let expected = 0;
      const problems: string[] = [];
      const sink = (batch: ResourceLogs[]): Promise<void> => {
        for (const resourceLogs of batch) {
          for (const record of resourceLogs.scopeLogs[0]!.logRecords) {
            const body = record.body as string;
            const seq = Number(/seq=(\d+)/.exec(body)?.[1] ?? -1);
            if (seq !== expected && problems.length < 5)
              problems.push(`expected seq ${expected}, got ${seq}`);
            if (body.length !== LINE_BYTES - 1 && problems.length < 5)
              problems.push(`line ${seq} is ${body.length} long`);
            expected = seq + 1;
          }
        }
        return Promise.resolve();
      };
      const start = async (): Promise<LogCollector> => {
        const collector = createLogCollector({
          sources: [{ include: [file], service: 'large', startAt: 'beginning' }],
          dataDir: join(dir, 'data'),
          log: silentLog,
          sink,
          pollIntervalMs: 100,
          tuning: { batchMaxDelayMs: 50, watch: false },
        });
        await collector.start();
        return collector;
      };
      const first = await start();
      await waitUntil(() => expected >= LINES * 0.4, '40% of the lines', 120_000);
      await first.close();
      expect(expected).toBeLessThan(LINES);
      const second = await start();
      await waitUntil(() => expected >= LINES, 'all the lines', 120_000);
      await second.close();
      expect(problems).toEqual([]);
      expect(expected).toBe(LINES);
      expect(first.stats().recordsDelivered + second.stats().recordsDelivered).toBe(LINES);
    },
  );
});
