import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '@apo/shared/otlp';
import { freePort, startServerProcess, type ServerProcess } from './support/server-process.ts';
import { apiClient } from './support/api-client.ts';
import { tracesRequest } from './support/fixtures.ts';

const dirs: string[] = [];
let running: ServerProcess | undefined;
afterAll(async () => {
  // A failed run leaves its server up, still writing into the data directory it would then fail to remove.
  await running?.stop('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The senders' deadline; the test's own timeout adds the three server starts and the read-back. */
const SEND_DEADLINE_MS = 120_000;
const TEST_TIMEOUT_MS = SEND_DEADLINE_MS + 60_000;

/**
 * A sender that behaves as agents do: every batch has an id, and a batch is retried until the server
 * acknowledges it. Whatever happens to the server, each batch must end up stored exactly once.
 */
async function sendUntilAcknowledged(url: () => string, body: Uint8Array, batchId: string, deadline: number) {
  for (;;) {
    try {
      const res = await fetch(`${url()}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', 'x-apo-batch-id': batchId },
        body,
      });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // connection refused or reset while the server is down: retry
    }
    if (Date.now() > deadline) throw new Error(`batch ${batchId} never acknowledged`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kill -9 of the server under load', () => {
  it(
    'stores every acknowledged batch exactly once after a restart, retries included',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'apo-crash-'));
      dirs.push(dataDir);
      const ports = { httpPort: await freePort(), grpcPort: await freePort() };
      let server: ServerProcess = await startServerProcess({
        dataDir,
        ...ports,
        env: { APO_RED_FLUSH_INTERVAL_MS: '0' },
      });
      running = server;
      const url = () => server.httpUrl;

      const senders = 8;
      const batchesPerSender = 40;
      const spansPerBatch = 50;
      const deadline = Date.now() + SEND_DEADLINE_MS;
      const load = Promise.all(
        Array.from({ length: senders }, async (_, s) => {
          for (let b = 0; b < batchesPerSender; b++) {
            await sendUntilAcknowledged(
              url,
              encodeTracesProto(tracesRequest('crash', spansPerBatch)),
              `s${s}-b${b}`,
              deadline,
            );
          }
        }),
      );

      // Kill without warning while batches are being written, twice, then let the senders finish.
      for (let crash = 0; crash < 2; crash++) {
        await new Promise((r) => setTimeout(r, 700));
        await server.stop('SIGKILL');
        server = await startServerProcess({ dataDir, ...ports, env: { APO_RED_FLUSH_INTERVAL_MS: '0' } });
        running = server;
      }
      await load;

      const window = { from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 };
      const services = await apiClient(server.httpUrl).services.list.query(window);
      const crash = services.find((s) => s.name === 'crash');
      expect(crash?.spanCount).toBe(senders * batchesPerSender * spansPerBatch);
      // With APO_RED_FLUSH_INTERVAL_MS=0 the server's RED of those (SERVER, unmarked) spans goes through the
      // same flushes, failures and retries: every span counted exactly once as a request too.
      expect(crash?.requestCount).toBe(senders * batchesPerSender * spansPerBatch);
      await server.stop();
      running = undefined;
    },
    TEST_TIMEOUT_MS,
  );
});
