/**
 * The first run beyond loopback (auth forced on with APO_AUTH=on on 127.0.0.1) and local mode (loopback,
 * auth off), over real server processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api-client.ts';
import { failure, signIn } from './support/access-calls.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const window = () => ({ from: Date.now() - 60_000, to: Date.now() + 60_000 });

describe('first run beyond loopback', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { APO_AUTH: 'on' } });
  });
  afterAll(() => server.dispose());

  it('serves only setup, sign-in and health until an admin is created with the printed one-time URL', async () => {
    const match = /(http:\/\/[^ ]+)\/setup\?token=([A-Za-z0-9_-]+)/.exec(server.output());
    expect(match?.[1]).toBe(server.httpUrl);
    const token = match![2]!;
    const anonymous = apiClient(server.httpUrl);
    expect(await anonymous.auth.setupStatus.query()).toEqual({ needed: true });
    expect(await anonymous.health.query()).toMatchObject({ status: 'ok' });
    expect(await failure(anonymous.services.list.query(window()))).toMatchObject({ code: 'UNAUTHORIZED' });

    const account = { username: 'root', displayName: 'Root', password: 'root password 123' };
    expect(await failure(anonymous.auth.setup.mutate({ ...account, token: `${token}x` }))).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('setup token is wrong') as string,
    });
    expect(
      await failure(anonymous.auth.setup.mutate({ ...account, token, password: 'short' })),
    ).toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect(await anonymous.auth.setup.mutate({ ...account, token })).toEqual({
      user: { username: 'root', displayName: 'Root', role: 'admin' },
    });
    expect(
      await failure(anonymous.auth.setup.mutate({ ...account, username: 'root2', token })),
    ).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await anonymous.auth.setupStatus.query()).toEqual({ needed: false });
    const root = apiClient(server.httpUrl, await signIn(server, 'root', account.password));
    expect(await root.services.list.query(window())).toEqual([]);
    expect((await root.users.list.query()).map((u) => u.username)).toEqual(['root']);
  });
});

describe('local mode (loopback, auth off)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess();
  });
  afterAll(() => server.dispose());

  it('runs every request as the one local admin, with no sign-in', async () => {
    const local = apiClient(server.httpUrl);
    expect(await local.auth.session.query()).toEqual({
      mode: 'local',
      user: { username: 'local', displayName: 'Local admin', role: 'admin' },
    });
    expect(await local.auth.setupStatus.query()).toEqual({ needed: false });
    expect(await local.services.list.query(window())).toEqual([]);
    expect(await local.users.list.query()).toEqual([]);
    await local.settings.set.mutate({ scope: 'global', key: 'health.thresholds', value: { p95Ms: 800 } });
    expect((await local.settings.get.query({ scope: 'global', key: 'health.thresholds' }))?.value).toEqual({
      p95Ms: 800,
    });
    expect(server.output()).not.toContain('setup?token=');
  });
});
