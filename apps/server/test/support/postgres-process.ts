import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@apo/otlp-transport/testing';

/**
 * A throw-away PostgreSQL 15 server for the config store's tests: initdb in a temp directory, started with
 * pg_ctl on a free loopback port, trust auth, no fsync. Debian's binaries (package `postgresql`, see
 * scripts/system-packages.sh). PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 */
const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresProcess {
  url: string;
  stop(): void;
}

function run(command: string, args: string[], asUser: string | undefined): void {
  const [cmd, argv] = asUser ? ['runuser', ['-u', asUser, '--', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(): Promise<PostgresProcess> {
  if (!existsSync(join(POSTGRES_BIN, 'initdb'))) {
    throw new Error(
      `PostgreSQL 15 is missing (${POSTGRES_BIN}/initdb). On Debian, as root: apt-get update && apt-get install -y --no-install-recommends postgresql (or run scripts/system-packages.sh)`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  const asUser = asRoot ? 'postgres' : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'apo-pg-'));
  if (asRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const port = await freePort();
  run(
    join(POSTGRES_BIN, 'initdb'),
    ['-D', dataDir, '-U', 'apo', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    asUser,
  );
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  try {
    run(
      join(POSTGRES_BIN, 'pg_ctl'),
      ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'],
      asUser,
    );
  } catch (err) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(err as Error).message}\n${log}`, { cause: err });
  }
  return {
    url: `postgres://apo@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run(join(POSTGRES_BIN, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], asUser);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
