import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

/** A Node process started by a test, with what it has printed so far. */
export interface NodeProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** The exit code (null after a signal), once the process has exited and its output is all read. */
  exited: Promise<number | null>;
  /** Sends `signal` (SIGTERM by default) unless it has exited already; resolves with its exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * `node <args>` with only PATH, HOME and `env` in its environment: an inherited APO_* variable must not
 * change what is being tested.
 */
export function spawnNode(args: string[], env: Record<string, string>, cwd?: string): NodeProcess {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return watchNodeProcess(child);
}

/** A spawned Node process (its stdout and stderr piped) as a `NodeProcess`, collecting what it prints. */
export function watchNodeProcess(child: ChildProcessByStdio<null, Readable, Readable>): NodeProcess {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // 'close', not 'exit': output can still be in the pipes when 'exit' fires, and tests read it right after.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Polls `url` until it gives an answer `accept` takes (any answer by default) and returns it. Fails with what
 * the process printed when it exits first or has not answered so within `timeoutMs`; it is then killed.
 */
export async function waitForAnswer(
  url: string,
  proc: NodeProcess,
  name: string,
  {
    accept = () => true,
    timeoutMs = 30_000,
  }: { accept?: (res: Response) => boolean; timeoutMs?: number } = {},
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`${name} exited with ${proc.child.exitCode}:\n${proc.stdout()}${proc.stderr()}`);
    try {
      const res = await fetch(url);
      if (accept(res)) return res;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      proc.child.kill('SIGKILL');
      throw new Error(
        `${name} did not answer ${url} within ${timeoutMs} ms (${String(last)}):\n${proc.stdout()}${proc.stderr()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
