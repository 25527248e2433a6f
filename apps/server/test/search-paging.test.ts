/**
 * Keyset paging of the searches (traces, logs, events) against a real server process: following
 * `nextCursor` page by page returns every matching record exactly once, newest first, including records that
 * share a timestamp; a cursor that was tampered with is a clear 400.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { logsOf, sendLogs, sendSpans, spansOf } from './support/cluster-telemetry.ts';
import { hex } from './support/fixtures.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const T0 = Date.now() - 10 * 60_000;
const range = { from: T0 - 60_000, to: T0 + 60_000 };
const resource = { 'service.name': 'pager', 'service.instance.id': 'pager-1' };
const RECORDS = 7;

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess();
  api = apiClient(server.httpUrl);
  for (let i = 0; i < RECORDS; i++) {
    // Pairs of records share a millisecond: the row hash must order them and the cursor must not lose one.
    const at = T0 + Math.floor(i / 2) * 1000;
    await sendLogs(server.httpUrl, logsOf(resource, at, `line ${i}`), {});
    await sendLogs(server.httpUrl, logsOf(resource, at, `deployed ${i}`, { eventName: 'deploy' }), {});
    await sendSpans(server.httpUrl, spansOf(resource, at, hex(16)), {});
  }
});
afterAll(async () => {
  await server.dispose();
});

/** Every item of a search, following nextCursor with pages of `limit`. */
async function allPages<T>(
  search: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await search(cursor);
    items.push(...page.items);
    pages++;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages < 100);
  return { items, pages };
}

describe('search paging (real server process)', () => {
  it('logs.search: every record once, newest first, over several pages', async () => {
    const { items, pages } = await allPages((cursor) =>
      api.logs.search.query({ ...range, service: 'pager', limit: 2, ...(cursor ? { cursor } : {}) }),
    );
    expect(pages).toBe(Math.ceil(RECORDS / 2));
    expect(items.map((l) => l.body).sort()).toEqual(
      Array.from({ length: RECORDS }, (_, i) => `line ${i}`).sort(),
    );
    const times = items.map((l) => l.timeUnixNano);
    expect(times).toEqual([...times].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  });

  it('events.search: every event once over several pages', async () => {
    const { items } = await allPages((cursor) =>
      api.events.search.query({ ...range, service: 'pager', limit: 3, ...(cursor ? { cursor } : {}) }),
    );
    expect(items.map((e) => e.body).sort()).toEqual(
      Array.from({ length: RECORDS }, (_, i) => `deployed ${i}`).sort(),
    );
  });

  it('traces.search: every span once over several pages', async () => {
    const { items } = await allPages((cursor) =>
      api.traces.search.query({ ...range, service: 'pager', limit: 3, ...(cursor ? { cursor } : {}) }),
    );
    const ids = items.map((s) => `${s.traceId}/${s.spanId}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(RECORDS * 2); // spansOf sends an entry span and a DB call per trace
  });

  it('answers a tampered cursor with a clear 400', async () => {
    const error = await api.logs.search.query({ ...range, cursor: 'not-a-cursor' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 400 });
    expect((error as Error).message).toContain('invalid cursor');
  });
});
