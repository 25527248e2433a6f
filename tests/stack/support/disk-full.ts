import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../../apps/server/test/support/api-client.ts';
import {
  freePort,
  startServerProcess,
  type ServerProcess,
} from '../../../apps/server/test/support/server-process.ts';
import { deletedFilesOpen, mountSmallDisk } from '../../../packages/otlp-transport/src/testing/index.ts';
import { encodeTracesProto } from '../../../packages/shared/src/otlp/index.ts';
import { eventually, type AgentProcess } from './agent-process.ts';
import { numberedTraces, spanIdOf, storedSpans } from './proxy-process.ts';

/**
 * Traffic for the full-disk tests: request n carries `spans` numbered spans (ids from `spanIdOf`) with an
 * incompressible attribute, so each request costs about its size on disk whatever the compression.
 */
function bulkyTraces(n: number, spans: number, service: string, nowNs: bigint): Uint8Array<ArrayBuffer> {
  const data = numberedTraces(n, spans, service, nowNs);
  for (const span of data.resourceSpans[0]!.scopeSpans[0]!.spans) {
    span.attributes['test.filler'] = randomBytes(300).toString('base64');
  }
  return new Uint8Array(encodeTracesProto(data));
}

function postBody(url: string, body: Uint8Array<ArrayBuffer>): Promise<Response> {
  return fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
}

interface Health {
  status: string;
  queuedBatches: number;
  queue: { writable: boolean; reason?: string };
  journal?: { writable: boolean; reason?: string };
}

async function health(statusUrl: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${statusUrl}/healthz`);
  return { code: res.status, body: (await res.json()) as Health };
}

/**
 * The scene of a full-disk test: an 8 MiB tmpfs for the relay's data directory, and a server that is not up
 * yet (its port and data directory chosen, so the relay can be pointed at it). What is registered with
 * `defer` is stopped by `dispose`, last first, before the disk is unmounted.
 */
export interface FullDiskStage {
  /** The mount point of the small disk. */
  diskDir: string;
  /** The relay's data directory, on the small disk. */
  relayDataDir: string;
  /** The server's data directory (not on the small disk). */
  serverDir: string;
  /** Where the relay exports to. */
  serverUrl: string;
  startServer(): Promise<ServerProcess>;
  /** Drives the relay through the steps of the test, its traffic stored under the service `service`. */
  drive(relay: Relay, service: string): FullDiskDriver;
  defer(stop: () => Promise<unknown>): void;
  dispose(): Promise<void>;
}

/**
 * Declares the full-disk test of a relay (`test` runs on its stage), skipped where a tmpfs cannot be mounted
 * (without root). The stage is disposed after it.
 */
export async function fullDiskTest(
  relay: 'agent' | 'proxy',
  test: (stage: FullDiskStage) => Promise<void>,
): Promise<void> {
  const stage = await fullDiskStage(`${relay}-disk-full`);
  describe.skipIf(stage === undefined)(
    `${relay} with its data directory on a full 8 MiB tmpfs (real processes; mounting needs root: skipped without)`,
    () => {
      afterAll(() => stage?.dispose());
      it(
        'refuses with 503 and a degraded /healthz, then recovers its space and stores everything acknowledged once, without a restart',
        () => test(stage!),
        420_000,
      );
    },
  );
}

/** Undefined where a tmpfs cannot be mounted (without root). */
async function fullDiskStage(name: string): Promise<FullDiskStage | undefined> {
  const disk = await mountSmallDisk(8 << 20);
  if (disk === undefined) return undefined;
  const serverDir = await mkdtemp(join(tmpdir(), `apo-${name}-server-`));
  const serverPort = await freePort();
  const cleanup: (() => Promise<unknown>)[] = [() => rm(serverDir, { recursive: true, force: true })];
  return {
    diskDir: disk.dir,
    relayDataDir: join(disk.dir, 'data'),
    serverDir,
    serverUrl: `http://127.0.0.1:${serverPort}`,
    startServer: async () => {
      const server = await startServerProcess({ dataDir: serverDir, httpPort: serverPort });
      cleanup.push(() => server.stop('SIGKILL'));
      return server;
    },
    drive: (relay, service) => new FullDiskDriver(relay, service, disk.dir),
    defer: (stop) => cleanup.push(stop),
    dispose: async () => {
      for (const c of cleanup.reverse()) await c().catch(() => undefined);
      await disk.dispose();
    },
  };
}

/** What the full-disk tests need of an agent or a proxy process. */
type Relay = Pick<AgentProcess, 'otlpHttpUrl' | 'statusUrl' | 'child' | 'output'>;

const SPANS = 20;

/**
 * The steps of a full-disk test against one relay, on the disk `diskDir`: numbered requests of 20 bulky
 * spans each (see `bulkyTraces`), remembering which were acknowledged and which refused.
 */
class FullDiskDriver {
  readonly acked: number[] = [];
  readonly refused: number[] = [];
  private next = 0;
  private readonly nowNs = BigInt(Date.now()) * 1_000_000n;
  private readonly relay: Relay;
  private readonly service: string;
  private readonly diskDir: string;
  /** The relay's process id at the start. */
  private readonly pid: number;

  constructor(relay: Relay, service: string, diskDir: string) {
    this.relay = relay;
    this.service = service;
    this.diskDir = diskDir;
    this.pid = relay.child.pid!;
  }

  async send(): Promise<Response> {
    const n = this.next++;
    const res = await postBody(this.relay.otlpHttpUrl, bulkyTraces(n, SPANS, this.service, this.nowNs));
    await res.arrayBuffer();
    if (res.ok) this.acked.push(n);
    else this.refused.push(n);
    return res;
  }

  /**
   * Sends until 20 requests are refused (the server is down: everything stays on the relay's disk). Every
   * answer is a 200 or a 503 with Retry-After: 5, and /healthz then answers 503 "degraded"; its body is
   * returned for the relay's own checks of what is full.
   */
  async fillDisk(): Promise<Health> {
    let refusal: Response | undefined;
    while (this.refused.length < 20) {
      const res = await this.send();
      expect(res.status === 200 || res.status === 503, `status ${res.status}`).toBe(true);
      refusal ??= res.ok ? undefined : res;
      expect(this.next, 'the disk never filled').toBeLessThan(20_000);
    }
    expect(this.acked.length).toBeGreaterThan(50);
    expect(refusal!.headers.get('retry-after')).toBe('5');
    const full = await health(this.relay.statusUrl);
    expect(full.code).toBe(503);
    expect(full.body.status).toBe('degraded');
    return full.body;
  }

  /**
   * Waits for the relay to drain its backlog once the server is back: /healthz 200 with nothing queued, on
   * its own. Returns that body for the relay's own checks.
   */
  async drained(name: string): Promise<Health> {
    const recovered = await eventually(
      async () => {
        const h = await health(this.relay.statusUrl);
        return h.code === 200 && h.body.queuedBatches === 0 ? h : undefined;
      },
      180_000,
      `the ${name} drained and writable again`,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\n${this.relay.output().slice(-3000)}`);
    });
    return recovered.body;
  }

  /** No file deleted from the disk is still held open by the relay. */
  async expectNoDeletedFileOpen(): Promise<void> {
    expect(await deletedFilesOpen(this.pid, this.diskDir)).toEqual([]);
  }

  /**
   * Sends `count` more requests, every one accepted. Each waits for the relay's queue to be empty first: the
   * small disk holds only ~50 of these bulky requests, so on a busy machine, where the server stores more
   * slowly than this loop sends, the backlog alone would fill it again — and a 503 would then be right.
   */
  async sendAccepted(count: number): Promise<void> {
    const before = this.acked.length;
    for (let i = 0; i < count; i++) {
      await eventually(
        async () => ((await health(this.relay.statusUrl)).body.queuedBatches === 0 ? true : undefined),
        60_000,
        'the relay with nothing queued',
      );
      const res = await this.send();
      expect(res.status, `request ${i + 1} of ${count} after recovery: ${res.status}`).toBe(200);
    }
    expect(this.acked.length).toBe(before + count);
  }

  /**
   * Every span of an acknowledged request is stored on the server exactly once; no span of a refused request
   * is stored.
   */
  async expectAckedStoredOnce(serverHttpUrl: string): Promise<void> {
    const api = apiClient(serverHttpUrl);
    const wanted = this.acked.flatMap((n) => Array.from({ length: SPANS }, (_, i) => spanIdOf(n, i, SPANS)));
    let stored = new Map<string, { count: number }>();
    await eventually(
      async () => {
        stored = await storedSpans(api, this.service);
        return wanted.every((id) => stored.has(id)) ? true : undefined;
      },
      120_000,
      'every acknowledged span stored',
    ).catch((err: unknown) => {
      const missing = wanted.filter((id) => !stored.has(id)).length;
      throw new Error(
        `${String(err)}: ${missing} of ${wanted.length} missing\n${this.relay.output().slice(-3000)}`,
      );
    });
    await new Promise((r) => setTimeout(r, 3000)); // anything still in flight lands before the duplicate check
    stored = await storedSpans(api, this.service);
    expect([...stored].filter(([, s]) => s.count > 1)).toEqual([]);
    expect(stored.size).toBe(wanted.length);
    expect(this.refused.flatMap((n) => [spanIdOf(n, 0, SPANS)]).filter((id) => stored.has(id))).toEqual([]);
  }

  /** At the end: /healthz 200, no deleted file held open, and still the process it was at the start. */
  async expectSameProcessRecovered(): Promise<void> {
    const after = await health(this.relay.statusUrl);
    expect(after.code).toBe(200);
    await this.expectNoDeletedFileOpen();
    expect(this.relay.child.exitCode).toBe(null);
    expect(this.relay.child.pid).toBe(this.pid);
  }
}
