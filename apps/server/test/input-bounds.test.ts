/**
 * Every numeric input is bounded and every cursor decoded strictly: out-of-range times, durations, limits,
 * steps and made-up cursors are a 400 whose message names the field — never a 500 from the engine, never
 * a filter that silently matches everything (real server process, raw HTTP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const MAX_TIME_MS = 9_223_372_036_854;
const now = Date.now();
const range = { from: now - 3_600_000, to: now };

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server.dispose();
});

/** A query over raw HTTP, as any client sends it; the status and the error message (if any). */
async function query(procedure: string, input: object): Promise<{ status: number; message: string }> {
  const res = await fetch(
    `${server.httpUrl}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
  );
  const body = (await res.json()) as { error?: { json: { message: string } } };
  return { status: res.status, message: body.error?.json.message ?? '' };
}

/** A 400 whose message matches. */
function expectRefused(answer: { status: number; message: string }, message: RegExp, what?: string): void {
  expect(answer.status, what).toBe(400);
  expect(answer.message, what).toMatch(message);
}

const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** Every procedure over a time range, with the fields it needs besides the range. */
const ranged: [string, object][] = [
  ['traces.search', {}],
  ['logs.search', {}],
  ['events.search', {}],
  ['metrics.points', { name: 'm' }],
  ['clusters.list', {}],
  ['services.list', {}],
  ['services.red', { service: 's' }],
  ['services.redEndpoints', { service: 's' }],
  ['services.redCalls', { service: 's' }],
  ['services.delaySource', { service: 's' }],
  ['services.calls', { service: 's' }],
  ['services.instances', { service: 's' }],
  ['services.errors', { service: 's' }],
  ['services.infrastructure', { service: 's' }],
  ['overview.services', {}],
];

describe('input bounds (real server process)', () => {
  it.each(ranged)(
    '%s: times outside [0, 9223372036854] ms or an empty range → 400 naming the field',
    async (p, extra) => {
      expect(await query(p, { ...extra, from: 0, to: MAX_TIME_MS + 1 })).toEqual({
        status: 400,
        message: `to: must be at most ${MAX_TIME_MS} (ms since the epoch; storage ends in the year 2262)`,
      });
      expectRefused(await query(p, { ...extra, from: 0, to: 1e300 }), /^to: must be at most/);
      expect(await query(p, { ...extra, from: -1, to: 10 })).toEqual({
        status: 400,
        message: 'from: must be at least 0 (ms since the epoch)',
      });
      expect(await query(p, { ...extra, from: 1.5, to: 10 })).toEqual({
        status: 400,
        message: 'from: must be a whole number of ms since the epoch',
      });
      expect(await query(p, { ...extra, from: 20, to: 10 })).toEqual({
        status: 400,
        message: 'to: empty time range: must be after from (20), got 10',
      });
      expect(await query(p, { ...extra, from: 10, to: 10 })).toMatchObject({ status: 400 });
      // The edges themselves are fine.
      expect(await query(p, { ...extra, from: MAX_TIME_MS - 60_000, to: MAX_TIME_MS })).toEqual({
        status: 200,
        message: '',
      });
    },
  );

  it('traces.search: durations beyond 10^12 ms → 400 (1e300 used to match every span)', async () => {
    expect(await query('traces.search', { ...range, minDurationMs: 1e300 })).toEqual({
      status: 400,
      message: 'minDurationMs: must be at most 1000000000000 (ms, about 31 years)',
    });
    expectRefused(await query('traces.search', { ...range, maxDurationMs: 1e12 + 1 }), /^maxDurationMs: /);
    expect(await query('traces.search', { ...range, minDurationMs: 1e12 })).toMatchObject({ status: 200 });
  });

  it('limits and steps out of range → 400 naming the field', async () => {
    for (const p of ['traces.search', 'logs.search', 'events.search', 'metrics.points']) {
      const extra = p === 'metrics.points' ? { name: 'm' } : {};
      expect((await query(p, { ...range, ...extra, limit: 0 })).message, p).toMatch(/^limit: /);
      expect((await query(p, { ...range, ...extra, limit: 1e9 })).message, p).toMatch(/^limit: /);
    }
    for (const step of [0, -60, 1e300]) {
      expectRefused(await query('services.red', { ...range, service: 's', step }), /^step: /);
    }
  });

  it('a well-shaped cursor with parts of the wrong kind → 400 "invalid cursor"', async () => {
    const traceId = 'a'.repeat(32);
    const spanId = 'b'.repeat(16);
    const bad: [string, unknown][] = [
      ['traces.search', ['abc', traceId, spanId]],
      ['traces.search', ['1e3', traceId, spanId]],
      ['traces.search', ['99999999999999999999', traceId, spanId]],
      ['traces.search', ['1', "x' OR 1=1", spanId]],
      ['traces.search', ['1', traceId]],
      ['logs.search', ['1', 'not-a-number']],
      ['logs.search', ['-1', '5']],
      ['logs.search', ['1', '18446744073709551616']],
      ['events.search', ['NaN', '1']],
      ['events.search', [1, 2]],
      ['events.search', { ts: '1' }],
    ];
    for (const [p, parts] of bad)
      expectRefused(
        await query(p, { ...range, cursor: cursor(parts) }),
        /^invalid cursor/,
        JSON.stringify(parts),
      );
    expectRefused(await query('logs.search', { ...range, cursor: 'x'.repeat(257) }), /^cursor: /);
    // Well-formed ones, even at the edges of their types, are accepted.
    expect(
      await query('traces.search', { ...range, cursor: cursor(['9223372036854775807', traceId, spanId]) }),
    ).toEqual({ status: 200, message: '' });
    expect(await query('logs.search', { ...range, cursor: cursor(['0', '18446744073709551615']) })).toEqual({
      status: 200,
      message: '',
    });
  });
});
