import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@apo/otlp-transport/testing';

const mainPath = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

// Re-exported: the stack tests take it from here along with the server process.
export { freePort };

export interface ServerProcess {
  httpUrl: string;
  grpcUrl: string;
  httpPort: number;
  grpcPort: number;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote, for assertions and for failure messages. */
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** Stops the process and deletes its data directory. */
  dispose: () => Promise<void>;
}

/** A real `apo-server` process on free ports with its own data directory (or a given one, to restart). */
export async function startServerProcess(
  opts: { dataDir?: string; env?: Record<string, string>; httpPort?: number; grpcPort?: number } = {},
): Promise<ServerProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'apo-test-')));
  const httpPort = opts.httpPort ?? (await freePort());
  const grpcPort = opts.grpcPort ?? (await freePort());
  let output = '';
  const child = spawn(process.execPath, [mainPath], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APO_HTTP_PORT: String(httpPort),
      APO_GRPC_PORT: String(grpcPort),
      APO_DATA_DIR: dataDir,
      APO_LOG_LEVEL: 'warn',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const httpUrl = `http://127.0.0.1:${httpPort}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${httpUrl}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready after 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    httpUrl,
    grpcUrl: `http://127.0.0.1:${grpcPort}`,
    httpPort,
    grpcPort,
    dataDir,
    child,
    output: () => output,
    stop,
    dispose: async () => {
      await stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
