/**
 * The sampling-decision relay in process, in front of a stand-in for the server's decision board (the
 * whole-stack test runs two real agents and the real server): agents' decisions reach each other through
 * the server, with one upstream long poll however many agents wait.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, until, type Harness } from '../../test/support/proxy-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

const id = (n: number) => n.toString(16).padStart(32, '0');

interface Page {
  traceIds: string[];
  cursor: string;
}

async function read(h: Harness, cursor: string | undefined, waitMs: number): Promise<Page> {
  const query = `waitMs=${waitMs}${cursor === undefined ? '' : `&after=${encodeURIComponent(cursor)}`}`;
  const res = await fetch(`${h.httpUrl}/v1/sampling/decisions?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

function postIds(h: Harness, traceIds: unknown[]): Promise<Response> {
  return fetch(`${h.httpUrl}/v1/sampling/decisions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ traceIds }),
  });
}

describe('sampling decision relay (in process, stand-in for the server board)', () => {
  it('relays decisions between agents through one upstream long poll, posting them on in batches', async () => {
    h = await startHarness();
    // Five agents start reading: each learns its cursor, then long-polls.
    const cursors = await Promise.all(Array.from({ length: 5 }, () => read(h!, undefined, 0)));
    const polls = cursors.map((page) => read(h!, page.cursor, 20_000));
    await until('the upstream long poll', () => h!.upstream.polling === 1);

    for (let n = 1; n <= 3; n++) expect((await postIds(h, [id(n)])).status).toBe(200);
    const pages = await Promise.all(polls);
    for (const page of pages) expect(page.traceIds.length).toBeGreaterThan(0);
    await until('all three upstream', () => h!.upstream.decisions.length === 3);
    expect(h.upstream.decisions).toEqual([id(1), id(2), id(3)]);
    // Gathered into fewer upstream posts than agent posts is the aim; the count depends on timing, so only
    // the bound that matters is asserted: the server never saw more than one long poll from this proxy.
    expect(h.upstream.maxPolling).toBe(1);

    // Every reader eventually sees all three, from its own cursor.
    const all = await Promise.all(
      pages.map(async (page) => {
        const seen = [...page.traceIds];
        let cursor = page.cursor;
        while (seen.length < 3) {
          const next = await read(h!, cursor, 5000);
          seen.push(...next.traceIds);
          cursor = next.cursor;
        }
        return seen;
      }),
    );
    for (const seen of all) expect(seen).toEqual([id(1), id(2), id(3)]);
  });

  it('refuses bad decisions with 400 and a message, and bad queries', async () => {
    h = await startHarness();
    const bad = await postIds(h, ['not-a-trace-id']);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe(
      'invalid sampling decisions: traceIds.0 a trace id is 32 lower-case hex characters',
    );
    const notJson = await fetch(`${h.httpUrl}/v1/sampling/decisions`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${h.httpUrl}/v1/sampling/decisions?waitMs=99999`)).status).toBe(400);
    expect((await fetch(`${h.httpUrl}/v1/sampling/decisions`, { method: 'PUT' })).status).toBe(405);
  });

  it('answers waiting agents at once when the proxy shuts down', async () => {
    h = await startHarness();
    const first = await read(h, undefined, 0);
    const waiting = read(h, first.cursor, 25_000);
    await until('the upstream long poll', () => h!.upstream.polling === 1);
    const closing = h.proxy.close();
    expect((await waiting).traceIds).toEqual([]);
    await closing;
    // dispose() closes again: a second close is harmless.
  });
});
