/**
 * Access control over real server processes and real sockets: users and roles, API keys, sessions (cookie
 * and desktop token), sign-in throttling. Auth is forced on with APO_AUTH=on on 127.0.0.1, which behaves as
 * a server listening beyond loopback (first-run-and-local-mode.test.ts has the first run and local mode).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api-client.ts';
import { failure, signIn } from './support/access-calls.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const ADMIN_PASSWORD = 'admin password 0123';
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const window = () => ({ from: Date.now() - 60_000, to: Date.now() + 60_000 });

const trpcPost = (server: ServerProcess, path: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.httpUrl}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ json }),
  });

describe('access control with auth on', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        APO_AUTH: 'on',
        APO_ADMIN_PASSWORD: ADMIN_PASSWORD,
        APO_ADMIN_TOKEN: ADMIN_TOKEN,
        // Short enough to watch a session end, long enough for the calls that keep one alive.
        APO_SESSION_IDLE_TIMEOUT_MS: '2000',
        APO_LOG_LEVEL: 'info',
      },
    });
  });
  afterAll(() => server.dispose());

  it('lets an admin create a viewer, who reads but gets 403 naming the role on admin procedures', async () => {
    const admin = apiClient(server.httpUrl, await signIn(server, 'admin', ADMIN_PASSWORD));
    expect(await admin.auth.session.query()).toEqual({
      mode: 'signed-in',
      user: { username: 'admin', displayName: 'Administrator', role: 'admin' },
    });
    const vera = await admin.users.create.mutate({
      username: 'vera',
      displayName: 'Vera Viewer',
      password: 'vera password 01',
      role: 'viewer',
    });
    expect(vera).toMatchObject({ username: 'vera', role: 'viewer', disabled: false });
    expect(vera).not.toHaveProperty('passwordHash');
    expect(
      await failure(
        admin.users.create.mutate({ username: 'x', displayName: 'x', password: 'short', role: 'viewer' }),
      ),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('password: must be at least 12 characters') as string,
    });
    expect(
      await failure(
        admin.users.create.mutate({
          username: 'VERA',
          displayName: 'x',
          password: 'another password',
          role: 'viewer',
        }),
      ),
    ).toMatchObject({ code: 'CONFLICT', status: 409, message: 'the username "vera" is taken' });

    const viewer = apiClient(server.httpUrl, await signIn(server, 'vera', 'vera password 01'));
    expect(await viewer.services.list.query(window())).toEqual([]);
    expect((await viewer.auth.session.query()).user.role).toBe('viewer');
    const forbidden = await failure(
      viewer.users.create.mutate({
        username: 'eve',
        displayName: 'Eve',
        password: 'eve password 123',
        role: 'admin',
      }),
    );
    expect(forbidden).toEqual({
      code: 'FORBIDDEN',
      status: 403,
      message: 'users.create needs the admin role (or higher); this caller is viewer',
    });
    expect(await failure(viewer.apiKeys.create.mutate({ name: 'mine', role: 'viewer' }))).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('needs the admin role') as string,
    });
    expect(
      await failure(viewer.settings.set.mutate({ scope: 'global', key: 'health.thresholds', value: {} })),
    ).toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringContaining('needs the editor role') as string,
    });
    // One's own settings are a viewer's; global ones are everyone's to read.
    await viewer.settings.set.mutate({ scope: 'user', key: 'overview.columns', value: ['p95', 'errors'] });
    expect((await viewer.settings.get.query({ scope: 'user', key: 'overview.columns' }))?.value).toEqual([
      'p95',
      'errors',
    ]);
    await admin.settings.set.mutate({ scope: 'global', key: 'health.thresholds', value: { p95Ms: 500 } });
    expect((await viewer.settings.get.query({ scope: 'global', key: 'health.thresholds' }))?.value).toEqual({
      p95Ms: 500,
    });
    expect(await admin.settings.get.query({ scope: 'user', key: 'overview.columns' })).toBeNull();

    // A role change applies to sessions already open; disabling ends them.
    await admin.users.update.mutate({ username: 'vera', role: 'editor' });
    await viewer.settings.set.mutate({ scope: 'global', key: 'health.thresholds', value: { p95Ms: 400 } });
    await admin.users.update.mutate({ username: 'vera', disabled: true });
    expect(await failure(viewer.services.list.query(window()))).toMatchObject({
      code: 'UNAUTHORIZED',
      status: 401,
    });
    expect((await admin.users.list.query()).find((u) => u.username === 'vera')).toMatchObject({
      disabled: true,
    });
  });

  it('gives API keys their role: a viewer key reads and cannot write; a revoked key is refused', async () => {
    const admin = apiClient(server.httpUrl, ADMIN_TOKEN);
    const created = await admin.apiKeys.create.mutate({ name: 'grafana export', role: 'viewer' });
    expect(created.key).toMatch(/^apo_/);
    expect(JSON.stringify(await admin.apiKeys.list.query())).not.toContain(created.key);
    const key = apiClient(server.httpUrl, created.key);
    expect(await key.services.list.query(window())).toEqual([]);
    expect(
      await failure(key.settings.set.mutate({ scope: 'global', key: 'health.thresholds', value: 1 })),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await failure(key.users.list.query())).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(await failure(key.apiKeys.create.mutate({ name: 'escalate', role: 'admin' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await admin.apiKeys.list.query()).find((k) => k.id === created.id)?.lastUsedAt).toBeTypeOf(
      'number',
    );
    await admin.apiKeys.revoke.mutate({ id: created.id });
    const revoked = await failure(key.services.list.query(window()));
    expect(revoked).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(revoked.message).toContain('unknown, expired or revoked');
    expect(revoked.message).toContain('auth.signIn');
  });

  it('answers a wrong password with 401, and logs the failure without the password', async () => {
    const wrong = await failure(
      apiClient(server.httpUrl).auth.signIn.mutate({
        username: 'admin',
        password: 'not-the-password-xyz',
        client: 'desktop',
      }),
    );
    expect(wrong).toEqual({
      code: 'UNAUTHORIZED',
      status: 401,
      message: 'wrong username or password, or the account is disabled',
    });
    const unknown = await failure(
      apiClient(server.httpUrl).auth.signIn.mutate({
        username: 'nobody',
        password: 'whatever-password',
        client: 'desktop',
      }),
    );
    expect(unknown.message).toBe(wrong.message);
    const failures = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('sign-in failed'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    // The log reaches the pipe a moment after the answer.
    for (const deadline = Date.now() + 10_000; failures().length < 2 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(failures()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: 'admin', address: '127.0.0.1', reason: 'wrong password' }),
        expect.objectContaining({ username: 'nobody', address: '127.0.0.1', reason: 'unknown user' }),
      ]),
    );
    expect(server.output()).not.toContain('not-the-password-xyz');
    expect(server.output()).not.toContain('whatever-password');
    expect(server.output()).not.toContain(ADMIN_PASSWORD);
    expect(server.output()).not.toContain(ADMIN_TOKEN);
  });

  it('locks a username out after 5 failures, with Retry-After, even for the right password', async () => {
    const admin = apiClient(server.httpUrl, ADMIN_TOKEN);
    await admin.users.create.mutate({
      username: 'tess',
      displayName: 'Tess',
      password: 'tess password 01',
      role: 'viewer',
    });
    const attempt = (password: string) =>
      trpcPost(server, 'auth.signIn', { username: 'tess', password, client: 'desktop' });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong password ${i}`)).status).toBe(401);
    const locked = await attempt('tess password 01');
    expect(locked.status).toBe(429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    const body = (await locked.json()) as { error: { json: { message: string } } };
    expect(body.error.json.message).toMatch(
      /too many failed sign-ins: try again in \d+ s \(Retry-After: \d+\)/,
    );
    // Another user from the same address is not locked out by tess's failures.
    expect(
      (
        await trpcPost(server, 'auth.signIn', {
          username: 'admin',
          password: ADMIN_PASSWORD,
          client: 'desktop',
        })
      ).status,
    ).toBe(200);
  });

  it('ends a session after the configured idle time, and keeps one in use alive', async () => {
    const admin = apiClient(server.httpUrl, ADMIN_TOKEN);
    const token = await signIn(server, 'admin', ADMIN_PASSWORD);
    const ours = (await admin.sessions.list.query())[0]!;
    expect(ours).toMatchObject({ username: 'admin', client: 'desktop', address: '127.0.0.1' });
    const client = apiClient(server.httpUrl, token);
    const signedIn = Date.now();
    // Used every 300 ms for longer than the idle timeout (2 s): still alive.
    while (Date.now() - signedIn < 3_000) {
      expect((await client.auth.session.query()).mode).toBe('signed-in');
      await new Promise((r) => setTimeout(r, 300));
    }
    const lastUse = Date.now();
    // Left alone, it leaves the active list (watched with the admin token, which does not touch it)…
    const deadline = lastUse + 20_000;
    while ((await admin.sessions.list.query()).some((s) => s.id === ours.id)) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Date.now() - lastUse).toBeGreaterThanOrEqual(1_500);
    // …and its token is refused.
    const ended = await failure(client.services.list.query(window()));
    expect(ended).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringContaining('unknown, expired or revoked') as string,
    });
  });

  it('sets the browser cookie httpOnly, SameSite=Strict, Path=/, not Secure over http; sign-out clears it', async () => {
    const res = await trpcPost(server, 'auth.signIn', {
      username: 'admin',
      password: ADMIN_PASSWORD,
      client: 'browser',
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^apo_session=apos_[A-Za-z0-9_-]{43}; /);
    const attributes = cookie.split('; ').slice(1);
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    expect(attributes).not.toContain('Secure');
    expect(attributes.find((a) => a.startsWith('Max-Age='))).toBeDefined();
    const answer = (await res.json()) as { result: { data: { json: Record<string, unknown> } } };
    expect(answer.result.data.json).not.toHaveProperty('token');

    const session = cookie.split(';')[0]!;
    const me = await fetch(`${server.httpUrl}/trpc/auth.session`, { headers: { cookie: session } });
    expect(
      ((await me.json()) as { result: { data: { json: { mode: string } } } }).result.data.json.mode,
    ).toBe('signed-in');
    const out = await trpcPost(server, 'auth.signOut', null, { cookie: session });
    expect(out.headers.get('set-cookie')).toMatch(
      /^apo_session=; HttpOnly; SameSite=Strict; Path=\/; Max-Age=0/,
    );
    const after = await fetch(`${server.httpUrl}/trpc/auth.session`, { headers: { cookie: session } });
    expect(after.status).toBe(401);
  });

  it("changes passwords: a user's own change ends the other sessions, an admin reset ends all; an admin revokes a session", async () => {
    const admin = apiClient(server.httpUrl, ADMIN_TOKEN);
    await admin.users.create.mutate({
      username: 'pia',
      displayName: 'Pia',
      password: 'pia password 01',
      role: 'editor',
    });
    const first = apiClient(server.httpUrl, await signIn(server, 'pia', 'pia password 01'));
    const second = apiClient(server.httpUrl, await signIn(server, 'pia', 'pia password 01'));
    expect(
      await failure(
        first.auth.changePassword.mutate({
          currentPassword: 'not it at all',
          newPassword: 'pia password 02',
        }),
      ),
    ).toEqual({ code: 'FORBIDDEN', status: 403, message: 'the current password is wrong' });
    await first.auth.changePassword.mutate({
      currentPassword: 'pia password 01',
      newPassword: 'pia password 02',
    });
    expect((await first.auth.session.query()).user.username).toBe('pia');
    expect(await failure(second.auth.session.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await failure(signIn(server, 'pia', 'pia password 01'))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(
      await failure(admin.auth.changePassword.mutate({ currentPassword: 'x', newPassword: 'y'.repeat(12) })),
    ).toMatchObject({ code: 'BAD_REQUEST' });

    const third = apiClient(server.httpUrl, await signIn(server, 'pia', 'pia password 02'));
    const mine = (await admin.sessions.list.query()).filter((s) => s.username === 'pia');
    expect(mine).toHaveLength(2);
    await admin.sessions.revoke.mutate({ id: mine[0]!.id });
    expect(await failure(third.auth.session.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await first.auth.session.query()).user.username).toBe('pia');
    await admin.users.resetPassword.mutate({ username: 'pia', password: 'pia password 03' });
    expect(await failure(first.auth.session.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await signIn(server, 'PIA', 'pia password 03')).toMatch(/^apos_/);
    expect(
      await failure(admin.users.resetPassword.mutate({ username: 'nobody', password: 'x'.repeat(12) })),
    ).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('keeps the admin token an admin credential, and says how to sign in without one', async () => {
    expect(
      (await apiClient(server.httpUrl, ADMIN_TOKEN).users.list.query()).map((u) => u.username),
    ).toContain('admin');
    const none = await failure(apiClient(server.httpUrl).services.list.query(window()));
    expect(none).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect(none.message).toContain('auth.signIn');
    expect(none.message).toContain('API key');
    expect(await apiClient(server.httpUrl).health.query()).toMatchObject({ authRequired: true });
  });
});
