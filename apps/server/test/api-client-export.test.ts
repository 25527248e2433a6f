/**
 * `@apo/server/client`, as a Node script uses it, against a real server process with auth on: typed calls
 * with a bearer credential (the admin token; API keys travel the same way), and a wrong key refused with
 * UNAUTHORIZED rather than data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apoErrorCode, createApoClient, TRPCClientError } from '@apo/server/client';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const ADMIN = 'client-export-admin-token';

describe('the typed API client export (real server process, auth on)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { APO_AUTH: 'on', APO_ADMIN_TOKEN: ADMIN } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('calls health and services.list with the admin token, batched into one request', async () => {
    const apo = createApoClient({ url: `${server.httpUrl}/`, apiKey: ADMIN });
    const requests: string[] = [];
    const counting = createApoClient({
      url: server.httpUrl,
      apiKey: ADMIN,
      fetch: (input, init) => {
        requests.push(String(input instanceof Request ? input.url : input));
        return fetch(input, init);
      },
    });
    const [health, services] = await Promise.all([
      counting.health.query(),
      counting.services.list.query({ from: Date.now() - 3_600_000, to: Date.now() }),
    ]);
    expect(health).toMatchObject({ status: 'ok', authRequired: true });
    expect(services).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toContain('/trpc/health,services.list?batch=1');
    expect((await apo.health.query()).version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gets UNAUTHORIZED with a wrong key, and without one', async () => {
    for (const apiKey of ['not-the-admin-token-at-all', undefined]) {
      const apo = createApoClient({ url: server.httpUrl, apiKey });
      const failure: unknown = await apo.services.list
        .query({ from: Date.now() - 3_600_000, to: Date.now() })
        .then(
          () => undefined,
          (err: unknown) => err,
        );
      expect(failure).toBeInstanceOf(TRPCClientError);
      expect(apoErrorCode(failure)).toBe('UNAUTHORIZED');
    }
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => createApoClient({ url: 'ftp://example.com' })).toThrow(/http:\/\/ or https:\/\//);
  });
});
