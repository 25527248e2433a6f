import { workerData } from 'node:worker_threads';
import pg from 'pg';

/**
 * db-slow on PostgreSQL (see postgres.ts): holds ACCESS EXCLUSIVE locks on the service's tables for
 * `holdMs`, lets the queued statements through for a moment, and again, until the thread is terminated.
 */
const { url, schema, tables, holdMs } = workerData as {
  url: string;
  schema: string;
  tables: string[];
  holdMs: number;
};

const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
await client.connect();
// When the fault is cleared the thread is terminated mid-sleep; this makes PostgreSQL (14+) notice the closed
// connection within 100 ms and release the locks, instead of at the end of the sleep.
await client.query("SET client_connection_check_interval = '100ms'").catch(() => undefined);
const list = tables.map((t) => `"${t}"`).join(', ');
for (;;) {
  await client.query('BEGIN');
  await client.query(`LOCK TABLE ${list} IN ACCESS EXCLUSIVE MODE`);
  await client.query('SELECT pg_sleep($1)', [holdMs / 1000]);
  await client.query('COMMIT');
  await new Promise((resolve) => setTimeout(resolve, 5));
}
