import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const id = (n: number) => n.toString(16).padStart(32, 'a');

describe('sampling decisions endpoint (real server process)', () => {
  let server: ServerProcess;
  const auth = { authorization: 'Bearer ingest-a-0123456789abc' };
  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        APO_AUTH: 'on',
        APO_ADMIN_TOKEN: 'admin-secret-0123456789',
        APO_INGEST_TOKEN: 'ingest-a-0123456789abc',
      },
    });
  });
  afterAll(async () => server.dispose());

  const url = () => `${server.httpUrl}/v1/sampling/decisions`;

  it('relays keep decisions from one agent to another through a long poll', async () => {
    const start = (await (await fetch(`${url()}?waitMs=0`, { headers: auth })).json()) as { cursor: string };
    const poll = fetch(`${url()}?after=${encodeURIComponent(start.cursor)}&waitMs=20000`, { headers: auth });
    const posted = await fetch(url(), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ traceIds: [id(1), id(2)] }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ accepted: 2 });
    const page = (await (await poll).json()) as { traceIds: string[]; cursor: string };
    expect(page.traceIds).toEqual([id(1), id(2)]);
    expect(page.cursor).not.toBe(start.cursor);
  });

  it('refuses a missing token with 401 and bad ids with 400, naming the problem', async () => {
    const anon = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ traceIds: [id(1)] }),
    });
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { message: string }).message).toContain('missing credential');
    const bad = await fetch(url(), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ traceIds: ['not-a-trace-id'] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('32 lower-case hex');
    const badWait = await fetch(`${url()}?waitMs=-5`, { headers: auth });
    expect(badWait.status).toBe(400);
  });
});
