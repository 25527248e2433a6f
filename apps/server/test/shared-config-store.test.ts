/**
 * Two server processes, each with its own data directory, sharing one config store in PostgreSQL
 * (APO_CONFIG_DATABASE_URL) as servers sharing one ClickHouse do: an account, a session and an API key made on
 * one work on the other, and a revocation on one applies to both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api-client.ts';
import { startPostgres, type PostgresProcess } from './support/postgres-process.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

describe('servers sharing a PostgreSQL config store', () => {
  let postgres: PostgresProcess;
  const servers: ServerProcess[] = [];
  beforeAll(async () => {
    // No skip: without PostgreSQL's binaries this fails with the line that installs them.
    postgres = await startPostgres();
    const env = {
      APO_AUTH: 'on',
      APO_CONFIG_DATABASE_URL: postgres.url,
      APO_ADMIN_PASSWORD: 'shared admin password',
    };
    // Started together: both apply the migrations at once, under PostgreSQL's advisory lock.
    const started = await Promise.allSettled([startServerProcess({ env }), startServerProcess({ env })]);
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  }, 120_000);
  let postgresStopped = false;
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.dispose()));
    if (!postgresStopped) postgres.stop();
  });

  it('shares users, sessions and API keys', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const signedIn = await apiClient(a.httpUrl).auth.signIn.mutate({
      username: 'admin',
      password: 'shared admin password',
      client: 'desktop',
    });
    const adminOnA = apiClient(a.httpUrl, signedIn.token);
    const adminOnB = apiClient(b.httpUrl, signedIn.token);
    expect((await adminOnB.auth.session.query()).user.username).toBe('admin');
    await adminOnA.users.create.mutate({
      username: 'olga',
      displayName: 'Olga',
      password: 'olga password 1',
      role: 'viewer',
    });
    const olga = await apiClient(b.httpUrl).auth.signIn.mutate({
      username: 'olga',
      password: 'olga password 1',
      client: 'desktop',
    });
    expect(olga.user.role).toBe('viewer');

    const { key, id } = await adminOnB.apiKeys.create.mutate({ name: 'shared', role: 'viewer' });
    const window = { from: Date.now() - 60_000, to: Date.now() + 60_000 };
    expect(await apiClient(a.httpUrl, key).services.list.query(window)).toEqual([]);
    await adminOnA.apiKeys.revoke.mutate({ id });
    await expect(apiClient(b.httpUrl, key).services.list.query(window)).rejects.toThrow(/revoked/);
    expect(await adminOnA.auth.setupStatus.query()).toEqual({ needed: false });
    for (const server of servers) expect(server.output()).not.toContain('setup?token=');
  });

  it('answers a store that is down with a stable error: no SQL, no stack, no file path', async () => {
    const [a] = servers as [ServerProcess];
    const signedIn = await apiClient(a.httpUrl).auth.signIn.mutate({
      username: 'admin',
      password: 'shared admin password',
      client: 'desktop',
    });
    postgres.stop();
    postgresStopped = true;
    const res = await fetch(`${a.httpUrl}/trpc/users.list`, {
      headers: { authorization: `Bearer ${signedIn.token}` },
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      error: {
        json: { message: 'the query failed; see the server log', data: { code: 'INTERNAL_SERVER_ERROR' } },
      },
    });
    expect(text).not.toMatch(/select|sessions|ECONNREFUSED|\.ts|node_modules|stack/i);
    // The server stays up for what does not need the store.
    expect((await apiClient(a.httpUrl).health.query()).status).toBe('ok');
  });
});
