/**
 * A collector in its own process, for the crash test: `node crash-child.ts <file> <dataDir> <queueFile>`.
 * Its sink appends each batch as one JSON line (`{batchId, replay, bodies}`) to the queue file, one
 * write per batch, standing in for the agent's disk queue. SIGTERM closes it cleanly; SIGKILL is the crash.
 */
import { appendFileSync } from 'node:fs';
import { createLogCollector } from '../log-collector.ts';

const [file, dataDir, queueFile] = process.argv.slice(2);
if (file === undefined || dataDir === undefined || queueFile === undefined) {
  throw new Error('usage: crash-child.ts <file> <dataDir> <queueFile>');
}

const report = (fields: object, message: string): void => {
  process.stderr.write(`${message} ${JSON.stringify(fields)}\n`);
};

const collector = createLogCollector({
  sources: [{ include: [file], service: 'crash', startAt: 'beginning' }],
  dataDir,
  log: { debug: () => undefined, info: report, warn: report, error: report },
  hostName: 'crash-host',
  pollIntervalMs: 50,
  tuning: { batchMaxRecords: 50, batchMaxDelayMs: 20, watch: false },
  sink: async (batch, info) => {
    // A queue write takes a moment; the kill may land before, during or after it.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const bodies = batch.flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => l.body)));
    appendFileSync(queueFile, JSON.stringify({ batchId: info.batchId, replay: info.replay, bodies }) + '\n');
  },
});
await collector.start();
process.on('SIGTERM', () => {
  void collector.close().then(() => process.exit(0));
});
