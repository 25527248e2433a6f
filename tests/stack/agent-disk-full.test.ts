/**
 * The agent on a really full disk, and back, without a restart: its data directory on an 8 MiB tmpfs (far
 * below its 512 MiB queue bound), the server down. Filling the disk must turn into 503s and a degraded
 * /healthz; once the server is up and the backlog drained, the space must come back (no deleted file still
 * open), /healthz must say ok, new requests must be accepted, and every acknowledged span stored once —
 * while no span of a refused request is stored at all.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { eventually, sampleValue, startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import { fullDiskTest } from './support/disk-full.ts';

const SERVICE = 'agent-disk-full';
await fullDiskTest('agent', async (stage) => {
  const config = join(stage.serverDir, 'agent.yaml');
  // Sampling on (the journal shares the disk with the queue), every trace kept, decided within seconds.
  await writeFile(
    config,
    'sampling:\n  decisionWaitSeconds: 1\n  holdSeconds: 2\n  spanBudgetPerSecond: 1000000\n',
  );
  const agent: AgentProcess = await startAgentProcess({
    exportUrl: stage.serverUrl,
    dataDir: stage.relayDataDir,
    env: { APO_AGENT_CONFIG: config },
  });
  stage.defer(() => agent.stop('SIGKILL'));
  const driver = stage.drive(agent, SERVICE);

  // 1. Fill the disk: the server is down, everything stays on the agent's disk.
  const full = await driver.fillDisk();
  const states = [full.queue, full.journal!];
  expect(states.some((s) => !s.writable && /^disk full \(ENOSPC\) since \d{4}-/.test(s.reason!))).toBe(true);

  // 2. The server comes back: the backlog drains and the space returns, healthz says ok on its own.
  const server = await stage.startServer();
  expect(await driver.drained('agent')).toMatchObject({
    status: 'ok',
    queue: { writable: true },
    journal: { writable: true },
  });
  await driver.expectNoDeletedFileOpen();
  // Requests the sampler still holds or forwards keep their journal entries, on the same disk: the room for
  // new requests comes once they are in the queue (and so delivered), not a fixed time after the drain.
  await eventually(
    async () => {
      const m = await agent.metrics();
      return sampleValue(m, 'apo_agent_sampler_held_requests') === 0 &&
        sampleValue(m, 'apo_agent_sampler_forwarding_requests') === 0 &&
        sampleValue(m, 'apo_agent_export_queued_batches{signal="traces"}') === 0
        ? true
        : undefined;
    },
    60_000,
    'the agent holding and forwarding no request, nothing queued',
  );

  // 3. Send again: accepted, as the same process.
  await driver.sendAccepted(30);

  // 4. Every acknowledged span is stored exactly once; no span of a refused request is stored.
  await driver.expectAckedStoredOnce(server.httpUrl);
  await driver.expectSameProcessRecovered();
});
