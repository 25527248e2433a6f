/**
 * Error answers tell the caller what was wrong with the request and nothing about the server's insides — no
 * stack trace, no file path, no SQL — whatever NODE_ENV is (real server processes, raw HTTP).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Case {
  name: string;
  method?: string;
  path: string;
  body?: string;
  status: number;
  /** Part of the message the caller gets. */
  message: string;
}

const input = (json: unknown) => `input=${encodeURIComponent(JSON.stringify({ json }))}`;

const cases: Case[] = [
  {
    name: 'an input of the wrong type',
    path: `/trpc/traces.search?${input({ from: 'abc' })}`,
    status: 400,
    message: 'from: Invalid input: expected number, received string',
  },
  { name: 'an unknown procedure', path: '/trpc/nope.nothing', status: 404, message: 'No procedure found' },
  {
    name: 'malformed JSON input',
    path: `/trpc/traces.search?input=${encodeURIComponent('{bad')}`,
    status: 400,
    message: 'JSON',
  },
  {
    name: 'a trace that does not exist',
    path: `/trpc/traces.byId?${input({ traceId: '0'.repeat(31) + '1' })}`,
    status: 404,
    message: 'not found',
  },
  {
    name: 'a query sent as a mutation',
    method: 'POST',
    path: '/trpc/traces.search',
    body: '{}',
    status: 405,
    message: 'Unsupported POST-request to query procedure',
  },
  { name: 'an unknown route', path: '/nothing', status: 404, message: 'not found' },
  {
    name: 'malformed JSON to a non-tRPC route',
    method: 'POST',
    path: '/v1/sampling/decisions',
    body: '{bad',
    status: 400,
    message: 'not valid JSON',
  },
];

describe.each([
  ['NODE_ENV unset', {}],
  ['NODE_ENV=development', { NODE_ENV: 'development' }],
  ['NODE_ENV=production', { NODE_ENV: 'production' }],
])('error answers with %s (real server process)', (_label, env: Record<string, string>) => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it.each(cases)('$name → $status, a message, no stack, path or SQL', async (c) => {
    const res = await fetch(`${server.httpUrl}${c.path}`, {
      method: c.method ?? 'GET',
      ...(c.body === undefined ? {} : { body: c.body, headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(c.status);
    expect(text).toContain(c.message);
    expect(text).not.toMatch(/stack/i);
    expect(text).not.toContain(repoRoot);
    expect(text).not.toContain('/work');
    expect(text).not.toMatch(/file:\/\/|node_modules|\.m?[jt]s:\d+/);
    expect(text).not.toMatch(/\bSELECT\b/);
  });
});
