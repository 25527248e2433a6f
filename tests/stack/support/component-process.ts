import { spawn, type ChildProcess } from 'node:child_process';

/** A started agent or proxy process: its output so far, and how to stop it. */
export interface ComponentProcess {
  child: ChildProcess;
  statusUrl: string;
  output: () => string;
  /** Sends `signal` (SIGTERM by default) unless it has exited already; resolves with its exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Runs `node <args>` with only PATH, HOME and `env` in its environment, and waits until its status port
 * answers `/healthz` (30 s at most). A process that exits first fails the wait with everything it printed.
 */
export async function startComponentProcess(
  name: string,
  args: string[],
  env: Record<string, string>,
  statusPort: number,
): Promise<ComponentProcess> {
  let output = '';
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const statusUrl = `http://127.0.0.1:${statusPort}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${statusUrl}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready after 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    statusUrl,
    output: () => output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
