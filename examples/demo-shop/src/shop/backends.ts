import net from 'node:net';
import type pg from 'pg';
import { openDatabase, type DatabaseConfig } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { databaseConfig } from '../runtime/service-config.ts';
import { SCHEMAS } from '../services/schemas.ts';
import { SERVICE_NAMES } from '../topology.ts';

/**
 * Which database and cache the shop uses: SQLite unless PostgreSQL is asked for or answers on its standard
 * local port, Redis when configured or listening on 6379. Probes are short: a laptop without either starts
 * as fast as one with them.
 */
export type DatabaseChoice = { dialect: 'sqlite' } | { dialect: 'postgres'; url: string };

function tcpOpen(host: string, port: number, timeoutMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function tryPostgres(config: pg.ClientConfig): Promise<string | undefined> {
  // Loaded only when there is a PostgreSQL to try: the supervisor stays small without one.
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ ...config, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    const auth = client.password
      ? `${encodeURIComponent(client.user ?? '')}:${encodeURIComponent(client.password)}`
      : encodeURIComponent(client.user ?? '');
    return (
      config.connectionString ??
      `postgresql://${auth}@${client.host}:${client.port}/${encodeURIComponent(client.database ?? '')}`
    );
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function chooseDatabase(
  mode: 'auto' | 'sqlite' | 'postgres',
  pgUrl: string | undefined,
): Promise<{ choice: DatabaseChoice; note?: string }> {
  if (mode === 'sqlite') return { choice: { dialect: 'sqlite' } };
  if (pgUrl !== undefined) {
    const url = await tryPostgres({ connectionString: pgUrl });
    if (url !== undefined) return { choice: { dialect: 'postgres', url } };
    if (mode === 'postgres')
      throw new Error(`PostgreSQL at ${pgUrl.replace(/:[^:@/]*@/, ':***@')} does not answer`);
    return { choice: { dialect: 'sqlite' }, note: 'PostgreSQL (DEMO_PG_URL) did not answer: using SQLite' };
  }
  if (await tcpOpen('127.0.0.1', 5432)) {
    // The standard PG* variables (PGUSER, PGPASSWORD, PGDATABASE) apply, as for psql.
    const url = await tryPostgres({ host: '127.0.0.1', port: 5432 });
    if (url !== undefined) return { choice: { dialect: 'postgres', url } };
    if (mode === 'postgres')
      throw new Error('PostgreSQL on 127.0.0.1:5432 refused the connection (set DEMO_PG_URL)');
    return {
      choice: { dialect: 'sqlite' },
      note: 'PostgreSQL on 127.0.0.1:5432 refused the connection: using SQLite',
    };
  }
  if (mode === 'postgres') throw new Error('no PostgreSQL on 127.0.0.1:5432 (set DEMO_PG_URL)');
  return { choice: { dialect: 'sqlite' } };
}

/** `null`: no cache; a URL: that Redis; `undefined`: Redis on 127.0.0.1:6379 if it listens. */
export async function chooseCache(redisUrl: string | null | undefined): Promise<string | undefined> {
  if (redisUrl === null) return undefined;
  if (redisUrl !== undefined) return redisUrl;
  return (await tcpOpen('127.0.0.1', 6379)) ? 'redis://127.0.0.1:6379' : undefined;
}

function configFor(
  name: (typeof SERVICE_NAMES)[number],
  dataDir: string,
  choice: DatabaseChoice,
): DatabaseConfig {
  return databaseConfig(name, {
    dataDir,
    database: choice.dialect,
    pgUrl: choice.dialect === 'postgres' ? choice.url : undefined,
  });
}

/** Creates and seeds every service's tables here, in the supervisor, where no span is made of it. */
export async function prepareDatabases(dataDir: string, choice: DatabaseChoice): Promise<void> {
  for (const name of SERVICE_NAMES) {
    const db = await openDatabase(configFor(name, dataDir, choice), {
      service: name,
      tables: SCHEMAS[name].tables,
      poolSize: 1,
    });
    try {
      await migrate(db, SCHEMAS[name]);
    } finally {
      await db.close();
    }
  }
}
