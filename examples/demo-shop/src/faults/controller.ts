import type { Database } from '../db/database.ts';
import { Mutex } from '../runtime/mutex.ts';
import { dataPaths } from '../topology.ts';
import {
  isFaultKind,
  resolveParams,
  FAULT_KINDS,
  type ActiveFault,
  type FaultKind,
  type Resolved,
} from './catalog.ts';
import { burnCpu, chance, churnHeap, DiskWriter, failure, releaseHeap, sleep } from './effects.ts';
import { appendAudit, readFaults, writeFaults } from './store.ts';

export interface ControllerOptions {
  dataDir: string;
  service: string;
  calls: readonly string[];
  baseVersion: string;
  /** The service.version this process runs (differs from baseVersion under bad-deploy). */
  runningVersion: string;
  db: Database;
  /** Ask the supervisor for a restart (bad-deploy and its rollback). */
  restart: () => void;
  /** End the process now (crash-loop). */
  crash: (fault: ActiveFault) => void;
}

/**
 * The faults of one service process: validated, persisted (so they survive restarts), audited, expired by
 * their own timers, and applied — to the database (db-slow, pool-exhaustion), to outgoing calls
 * (downstream-timeout), to the process (crash-loop, bad-deploy) and to each unit of work (the rest).
 */
export class FaultController {
  private readonly options: ControllerOptions;
  private faults: ActiveFault[] = [];
  private readonly timers = new Map<FaultKind, NodeJS.Timeout>();
  private crashTimer: NodeJS.Timeout | undefined;
  private readonly mutex = new Mutex();
  private readonly disk: DiskWriter;

  constructor(options: ControllerOptions) {
    this.options = options;
    this.disk = new DiskWriter(dataPaths(options.dataDir).scratchFile(options.service));
  }

  /** Loads the persisted faults: expired ones are retired (and audited), the others applied. */
  start(now = Date.now()): void {
    const { dataDir, service } = this.options;
    const loaded = readFaults(dataDir, service);
    const expired = loaded.filter((f) => f.until !== null && f.until <= now);
    this.faults = loaded.filter((f) => !expired.includes(f));
    for (const fault of expired) appendAudit(dataDir, fault, service, 'expire', 'expiry', now);
    if (expired.length > 0) writeFaults(dataDir, service, this.faults);
    for (const fault of this.faults) this.activate(fault, now);
    // A process started as the bad version whose fault has since gone rolls itself back.
    if (this.options.runningVersion !== this.options.baseVersion && this.get('bad-deploy') === undefined) {
      this.options.restart();
    }
  }

  list(): ActiveFault[] {
    return [...this.faults];
  }

  get(kind: FaultKind): ActiveFault | undefined {
    return this.faults.find((f) => f.kind === kind);
  }

  inject(
    kind: string,
    params: Record<string, unknown>,
    forMs?: number,
    now = Date.now(),
  ): Resolved<ActiveFault> {
    if (!isFaultKind(kind)) {
      return { ok: false, error: `unknown fault kind "${kind}" (valid: ${FAULT_KINDS.join(', ')})` };
    }
    if (forMs !== undefined && (!Number.isInteger(forMs) || forMs <= 0)) {
      return { ok: false, error: `forMs must be a positive integer, got ${JSON.stringify(forMs)}` };
    }
    const { service, calls, baseVersion } = this.options;
    const resolved = resolveParams(kind, params, { service, calls, baseVersion });
    if (!resolved.ok) return resolved;
    const fault: ActiveFault = {
      kind,
      params: resolved.value,
      since: now,
      until: forMs === undefined ? null : now + forMs,
    };
    const previous = this.get(kind);
    if (previous) this.deactivate(previous);
    this.faults = [...this.faults.filter((f) => f.kind !== kind), fault];
    writeFaults(this.options.dataDir, service, this.faults);
    appendAudit(this.options.dataDir, fault, service, 'inject', 'admin', now);
    this.activate(fault, now);
    return { ok: true, value: fault };
  }

  /** Clears one kind or all; returns what was active. */
  clear(kind?: FaultKind, action: 'clear' | 'expire' = 'clear', now = Date.now()): ActiveFault[] {
    const removed = this.faults.filter((f) => kind === undefined || f.kind === kind);
    if (removed.length === 0) return [];
    this.faults = this.faults.filter((f) => !removed.includes(f));
    writeFaults(this.options.dataDir, this.options.service, this.faults);
    for (const fault of removed) {
      appendAudit(
        this.options.dataDir,
        fault,
        this.options.service,
        action,
        action === 'clear' ? 'admin' : 'expiry',
        now,
      );
      this.deactivate(fault);
    }
    return removed;
  }

  /** Whether this process runs a version other than the service's own (a bad deploy is live). */
  needsRestartAfter(changed: readonly ActiveFault[]): boolean {
    const badDeploy = this.get('bad-deploy');
    const wanted = badDeploy ? String(badDeploy.params.version) : this.options.baseVersion;
    return changed.some((f) => f.kind === 'bad-deploy') && wanted !== this.options.runningVersion;
  }

  hang(): { target: string; timeoutMs: number } | undefined {
    const fault = this.get('downstream-timeout');
    return fault
      ? { target: String(fault.params.target), timeoutMs: Number(fault.params.timeoutMs) }
      : undefined;
  }

  /**
   * Applies the request-level faults to one unit of work (an HTTP request, a queue message). Returns the
   * release of the `lock` fault's mutex, to call when the work is done; throws for errors and bad-deploy.
   */
  async beforeWork(): Promise<() => void> {
    let release: () => void = () => undefined;
    const lock = this.get('lock');
    if (lock) {
      release = await this.mutex.acquire();
      await sleep(Number(lock.params.holdMs));
    }
    try {
      const latency = this.get('latency');
      if (latency && chance(Number(latency.params.share))) {
        await sleep(Number(latency.params.ms) + Math.random() * Number(latency.params.jitterMs));
      }
      const cpu = this.get('cpu');
      if (cpu && chance(Number(cpu.params.share))) burnCpu(Number(cpu.params.ms));
      const gc = this.get('gc-pressure');
      if (gc) churnHeap(Number(gc.params.mb), Number(gc.params.retainMb));
      const disk = this.get('disk-io');
      if (disk) await this.disk.write(Number(disk.params.writes), Number(disk.params.kb));
      const errors = this.get('errors');
      if (errors && chance(Number(errors.params.rate))) {
        throw failure('errors', Number(errors.params.status));
      }
      const badDeploy = this.get('bad-deploy');
      if (
        badDeploy &&
        String(badDeploy.params.version) === this.options.runningVersion &&
        chance(Number(badDeploy.params.rate))
      ) {
        throw failure('bad-deploy', 500);
      }
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.crashTimer) clearTimeout(this.crashTimer);
    await this.disk.close();
  }

  private activate(fault: ActiveFault, now: number): void {
    const { db } = this.options;
    switch (fault.kind) {
      case 'db-slow':
        db.setStatementDelay(Number(fault.params.ms));
        break;
      case 'pool-exhaustion':
        db.pool.constrain(Number(fault.params.size), Number(fault.params.holdMs));
        break;
      case 'crash-loop':
        // From process start on a restart, from now on a fresh injection: either way a short uptime.
        this.crashTimer = setTimeout(() => this.options.crash(fault), Number(fault.params.afterMs));
        break;
      default:
        break;
    }
    if (fault.until !== null) {
      const timer = setTimeout(
        () => {
          const removed = this.clear(fault.kind, 'expire');
          if (this.needsRestartAfter(removed)) this.options.restart();
        },
        Math.max(0, fault.until - now),
      );
      timer.unref();
      this.timers.set(fault.kind, timer);
    }
  }

  private deactivate(fault: ActiveFault): void {
    const timer = this.timers.get(fault.kind);
    if (timer) clearTimeout(timer);
    this.timers.delete(fault.kind);
    const { db } = this.options;
    switch (fault.kind) {
      case 'db-slow':
        db.setStatementDelay(0);
        break;
      case 'pool-exhaustion':
        db.pool.constrain(undefined);
        break;
      case 'crash-loop':
        if (this.crashTimer) clearTimeout(this.crashTimer);
        this.crashTimer = undefined;
        break;
      case 'gc-pressure':
        releaseHeap();
        break;
      default:
        break;
    }
  }
}
