/**
 * Test harness: a collector on real files in a temporary directory, with a sink that records what it
 * was given (and can be made slow or failing), and polling helpers with generous deadlines (tests run on
 * a loaded two-core machine next to other work).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord, ResourceLogs } from '@apo/shared/model';
import type { CollectorLog } from '../collector-log.ts';
import type { LogBatchInfo } from '../log-batcher.ts';
import type { LogCollector, LogCollectorTuning } from '../log-collector-api.ts';
import { createLogCollector } from '../log-collector.ts';
import type { LogSourceConfig } from '../log-source-config.ts';

export const silentLog: CollectorLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Short timers so rotation, idle flushes and batch ages resolve within a test. */
const FAST_TUNING: Partial<LogCollectorTuning> = {
  batchMaxDelayMs: 50,
  partialLineFlushMs: 300,
  multilineFlushMs: 300,
  rotateWaitMs: 300,
};

export interface DeliveredRecord {
  record: LogRecord;
  resource: ResourceLogs['resource'];
  batchId: string;
  replay: boolean;
}

export interface SinkCall {
  batch: ResourceLogs[];
  info: LogBatchInfo;
}

export class CollectorHarness {
  readonly dir: string;
  readonly dataDir: string;
  readonly delivered: DeliveredRecord[] = [];
  readonly calls: SinkCall[] = [];
  /** Set to make the sink reject (or to delay it); checked on every call. */
  behaviour: (call: SinkCall) => Promise<void> = () => Promise.resolve();
  collector: LogCollector | undefined;

  private constructor(dir: string) {
    this.dir = dir;
    this.dataDir = join(dir, 'data');
  }

  static async create(): Promise<CollectorHarness> {
    return new CollectorHarness(await mkdtemp(join(tmpdir(), 'apo-log-collector-')));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async start(
    sources: LogSourceConfig[],
    options: { tuning?: Partial<LogCollectorTuning>; hostName?: string } = {},
  ): Promise<LogCollector> {
    const collector = createLogCollector({
      sources,
      dataDir: this.dataDir,
      log: silentLog,
      hostName: options.hostName ?? 'test-host',
      pollIntervalMs: 50,
      tuning: { ...FAST_TUNING, ...options.tuning },
      sink: async (batch, info) => {
        const call = { batch, info };
        this.calls.push(call);
        await this.behaviour(call);
        for (const resourceLogs of batch) {
          for (const scopeLogs of resourceLogs.scopeLogs) {
            for (const record of scopeLogs.logRecords) {
              this.delivered.push({
                record,
                resource: resourceLogs.resource,
                batchId: info.batchId,
                replay: info.replay,
              });
            }
          }
        }
      },
    });
    await collector.start();
    this.collector = collector;
    return collector;
  }

  async stop(): Promise<void> {
    await this.collector?.close();
    this.collector = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Bodies delivered so far, as strings, in delivery order. */
  bodies(): string[] {
    return this.delivered.map((d) =>
      typeof d.record.body === 'string' ? d.record.body : JSON.stringify(d.record.body),
    );
  }

  async waitForBodies(count: number, what = `${count} records`): Promise<string[]> {
    await waitUntil(() => this.delivered.length >= count, what);
    return this.bodies();
  }
}

/** Polls `condition` every 20 ms until it holds, failing after `timeoutMs` with `what` in the message. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `count` lines `prefix-<n>` (n from `from`), each ending in '\n'. */
export function numberedLines(prefix: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${from + i}`);
}

export function asFileText(lines: readonly string[]): string {
  return lines.map((line) => line + '\n').join('');
}
