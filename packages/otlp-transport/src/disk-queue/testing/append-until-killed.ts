/**
 * Child process for the kill -9 test: appends batches from several concurrent producers as fast as it can,
 * while a consumer takes records and acks every other one. It reports to a file, one line per step:
 * `appended <id>` after an append resolved, `acking <id>` before an ack, `acked <id>` after it resolved.
 *
 * Why a file and not stdout: a write to a stdout pipe is queued inside the process when the reader falls
 * behind (pipes are non-blocking on Linux), and a kill -9 loses the queue — the test would then blame the
 * disk queue for a report that never left. `writeSync` to a regular file is in the kernel when it returns.
 *
 *   node append-until-killed.ts <queue dir> <report file>
 */
import { openSync, writeSync } from 'node:fs';
import { pino } from 'pino';
import { DiskQueue } from '../disk-queue.ts';

const [dir, reportPath] = process.argv.slice(2);
if (dir === undefined || reportPath === undefined) {
  throw new Error('usage: append-until-killed.ts <queue dir> <report file>');
}
const report = openSync(reportPath, 'w');
const say = (line: string): void => {
  writeSync(report, `${line}\n`);
};
const queue = await DiskQueue.open({
  dir,
  maxBytes: 256 << 20,
  segmentBytes: 256 << 10,
  log: pino({ level: 'silent' }),
});

let next = 0;
async function produce(): Promise<never> {
  for (;;) {
    const n = next++;
    const body = new Uint8Array(100 + ((n * 7919) % 3000)).fill(n & 0xff);
    const batchId = `b-${n}`;
    const result = await queue.append({
      signal: 'logs',
      batchId,
      contentType: 'application/x-protobuf',
      contentEncoding: 'identity',
      body,
      items: 1,
    });
    if (result.stored) say(`appended ${batchId}`);
  }
}

async function consume(): Promise<never> {
  for (let i = 0; ; i++) {
    const record = await queue.take();
    if (record === null) throw new Error('queue closed');
    if (i % 2 === 0) {
      say(`acking ${record.batch.batchId}`);
      await queue.ack(record);
      say(`acked ${record.batch.batchId}`);
    }
  }
}

say('ready');
await Promise.all([produce(), produce(), produce(), produce(), consume()]);
