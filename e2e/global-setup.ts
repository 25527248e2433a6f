/**
 * Starts what the specs drive: a REAL APO server (fresh embedded data directory) and the web console built
 * from apps/desktop and served by `vite preview`. Returns the teardown, which stops both and removes the
 * temporary directory. Process output goes to log files under that directory (kept when setup fails).
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishE2eEnv } from './e2e-env.ts';
import { freePorts } from './free-port.ts';
import { run, startProcess, waitForHttp, type RunningProcess } from './processes.ts';
import { seedDetail } from './seed/detail-seed.ts';
import { seedRed } from './seed/red-seed.ts';
import { seedTopology } from './seed/topology-seed.ts';

const repoDir = dirname(dirname(fileURLToPath(import.meta.url)));
const desktopDir = join(repoDir, 'apps', 'desktop');
const viteBin = join(desktopDir, 'node_modules', 'vite', 'bin', 'vite.js');
// chDB opens its data directory on start; a first start creates the schema.
const SERVER_READY_TIMEOUT_MS = 120_000;

/** The environment without APO_* variables from the caller's shell, which would change what is tested. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('APO_')));
  return { ...env, ...extra };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const workDir = mkdtempSync(join(tmpdir(), 'apo-e2e-'));
  const [httpPort, grpcPort, consolePort] = (await freePorts(3)) as [number, number, number];
  const serverUrl = `http://127.0.0.1:${httpPort}`;
  const consoleUrl = `http://127.0.0.1:${consolePort}`;
  const started: RunningProcess[] = [];
  let keepWorkDir = false;

  const teardown = async (): Promise<void> => {
    for (const proc of started.reverse()) await proc.stop();
    if (!keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const server = startProcess('APO server', process.execPath, ['apps/server/src/main.ts'], {
      cwd: repoDir,
      env: cleanEnv({
        APO_HTTP_PORT: String(httpPort),
        APO_GRPC_PORT: String(grpcPort),
        APO_DATA_DIR: join(workDir, 'data'),
        APO_LOG_LEVEL: 'warn',
        // The console page calls the server cross-origin (?server=); only configured origins pass CORS.
        APO_CORS_ORIGINS: consoleUrl,
      }),
      logFile: join(workDir, 'server.log'),
    });
    started.push(server);

    // Build while the server opens its storage.
    await run(process.execPath, [viteBin, 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'], {
      cwd: desktopDir,
    });
    const preview = startProcess(
      'vite preview',
      process.execPath,
      [viteBin, 'preview', '--config', 'vite.web.config.ts', '--port', String(consolePort), '--strictPort'],
      {
        cwd: desktopDir,
        // The preview server forwards /trpc here, for a console opened without ?server=.
        env: cleanEnv({ APO_SERVER_URL: serverUrl }),
        logFile: join(workDir, 'vite-preview.log'),
      },
    );
    started.push(preview);

    await Promise.all([
      waitForHttp(`${serverUrl}/readyz`, server, { timeoutMs: SERVER_READY_TIMEOUT_MS }),
      waitForHttp(`${consoleUrl}/`, preview, { timeoutMs: 30_000 }),
    ]);
    // The console specs assert on these figures (e2e/seed/red-seed.ts).
    await seedRed(serverUrl);
    await seedDetail(serverUrl);
    await seedTopology(serverUrl);
  } catch (err) {
    keepWorkDir = true;
    await teardown();
    throw new Error(
      `e2e global setup failed (logs kept in ${workDir}): ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }

  publishE2eEnv({ serverUrl, consoleUrl });
  return teardown;
}
