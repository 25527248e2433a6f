// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A child process whose output goes to a log file, so a failed start can show what the process said. */
export interface RunningProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** The last few KB of output, for error messages. */
  tail(): string;
  stop(): Promise<void>;
}

const TAIL_BYTES = 4_000;

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(options.logFile);
  let recent = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    recent = (recent + chunk.toString('utf8')).slice(-TAIL_BYTES);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', () => log.end());
  return {
    name,
    child,
    logFile: options.logFile,
    tail: () => recent,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      // A process that ignores SIGTERM must not keep the test run alive.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers with `status`; fails early, with the process's output, if the process dies. */
export async function waitForHttp(
  url: string,
  proc: RunningProcess,
  options: { status?: number; timeoutMs: number },
): Promise<void> {
  const wanted = options.status ?? 200;
  const deadline = Date.now() + options.timeoutMs;
  let last: string;
  for (;;) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(
        `${proc.name} exited (code ${proc.child.exitCode}, signal ${proc.child.signalCode}) before ${url} answered ${wanted}.\n` +
          `Its output (full log: ${proc.logFile}):\n${proc.tail()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.status === wanted) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
    } catch (err) {
      last =
        err instanceof Error
          ? `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`
          : String(err);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${proc.name}: ${url} did not answer ${wanted} within ${options.timeoutMs / 1000}s (last: ${last}).\n` +
          `Its output (full log: ${proc.logFile}):\n${proc.tail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs a command to completion; rejects with its output when it fails. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<void> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed with exit code ${code}:\n${output.slice(-TAIL_BYTES)}`,
    );
}
