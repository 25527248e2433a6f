/**
 * A second, private APO server for specs that stop and restart it (offline behaviour): stopping the shared
 * server of global-setup would break the specs running beside them.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from './free-port.ts';
import { startProcess, waitForHttp, type RunningProcess } from './processes.ts';

const repoDir = dirname(dirname(fileURLToPath(import.meta.url)));

export interface OwnServer {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** `extraEnv`: e.g. sign-in on (`APO_AUTH=on`). The server also serves the console built by global setup. */
export async function ownServer(
  consoleUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<OwnServer> {
  const workDir = mkdtempSync(join(tmpdir(), 'apo-e2e-own-'));
  const [httpPort, grpcPort] = (await freePorts(2)) as [number, number];
  const url = `http://127.0.0.1:${httpPort}`;
  let proc: RunningProcess | null = null;
  let starts = 0;
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('APO_')));
  return {
    url,
    async start() {
      starts++;
      proc = startProcess('own APO server', process.execPath, ['apps/server/src/main.ts'], {
        cwd: repoDir,
        env: {
          ...env,
          APO_HTTP_PORT: String(httpPort),
          APO_GRPC_PORT: String(grpcPort),
          APO_DATA_DIR: join(workDir, 'data'),
          APO_LOG_LEVEL: 'warn',
          APO_CORS_ORIGINS: consoleUrl,
          ...extraEnv,
        },
        logFile: join(workDir, `server-${starts}.log`),
      });
      await waitForHttp(`${url}/readyz`, proc, { timeoutMs: 120_000 });
    },
    async stop() {
      await proc?.stop();
      proc = null;
    },
    async dispose() {
      await proc?.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
