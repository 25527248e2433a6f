import { pino } from 'pino';
import { startServer, StartupError } from './app.ts';
import { ConfigError, loadServerConfig } from './env.ts';
import { DataDirInUseError, SchemaTooNewError } from './storage/index.ts';

/** `apo-server` / `pnpm start`: configuration from APO_CONFIG (file) and APO_* variables; see the README. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadServerConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`apo-server: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = pino({
    level: config.logLevel,
    base: { service: 'apo-server' },
    redact: {
      paths: ['req.headers.authorization', '*.password', '*.adminToken', '*.ingestTokens', '*.proxyTokens'],
      censor: '[secret]',
    },
  });
  let server;
  try {
    server = await startServer(config, log);
  } catch (err) {
    // Known start-up problems are stated plainly; anything else gets its stack.
    const known =
      err instanceof StartupError || err instanceof DataDirInUseError || err instanceof SchemaTooNewError;
    log.fatal({ err: known ? undefined : err }, `cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  const stop = (signal: string) => {
    log.info({ signal }, 'shutting down: flushing accepted data');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
