import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { EXIT_REDEPLOY } from '../runtime/service-config.ts';
import type { LogSink } from './log-sink.ts';

/**
 * One supervised child: restarted when it exits — at once when it asks for a redeploy (exit code 75),
 * otherwise after a backoff that doubles with each quick crash (crash-loop) and resets after a stable run.
 */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** A run at least this long resets the backoff. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 10_000, stableMs: 30_000 };

export interface ChildSpec {
  name: string;
  cwd: string;
  /** Node arguments, computed at every start (a redeploy changes the environment). */
  command: () => { args: string[]; env: Record<string, string | undefined> };
  sink: LogSink;
  backoff: Backoff;
  onStart?: (child: SupervisedChild) => void;
  onExit?: (
    child: SupervisedChild,
    code: number | null,
    signal: NodeJS.Signals | null,
    restartInMs: number,
  ) => void;
}

export class SupervisedChild {
  readonly spec: ChildSpec;
  restarts = 0;
  private child: ChildProcess | undefined;
  private quickCrashes = 0;
  private startedAt = 0;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  /** The environment of the current process (its version lives there). */
  env: Record<string, string | undefined> = {};

  constructor(spec: ChildSpec) {
    this.spec = spec;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  get running(): boolean {
    return this.pid !== undefined;
  }

  start(): void {
    if (this.stopping) return;
    const { args, env } = this.spec.command();
    this.env = env;
    const child = spawn(process.execPath, args, {
      cwd: this.spec.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group: a Ctrl-C in the terminal reaches the supervisor, which stops children in order.
      detached: true,
    });
    this.child = child;
    this.startedAt = Date.now();
    child.stdout?.on('data', (chunk: Buffer) => this.spec.sink.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.spec.sink.write(chunk));
    // The IPC channel only tells the child when the supervisor is gone; nothing is sent over it.
    child.on('error', () => undefined);
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    this.spec.onStart?.(this);
  }

  async stop(graceMs = 8000): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timeout = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timeout);
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    if (this.stopping) {
      this.spec.onExit?.(this, code, signal, -1);
      return;
    }
    const ranMs = Date.now() - this.startedAt;
    let delay = 0;
    if (code !== EXIT_REDEPLOY) {
      this.quickCrashes = ranMs >= this.spec.backoff.stableMs ? 0 : this.quickCrashes + 1;
      delay = Math.min(
        this.spec.backoff.maxMs,
        this.spec.backoff.initialMs * 2 ** Math.max(0, this.quickCrashes - 1),
      );
    }
    this.restarts++;
    this.spec.onExit?.(this, code, signal, delay);
    this.timer = setTimeout(() => this.start(), delay);
  }
}
