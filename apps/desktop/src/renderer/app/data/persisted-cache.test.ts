import type { PersistedClient } from '@tanstack/react-query-persist-client';
import { describe, expect, it } from 'vitest';
import { boundPersistedClient, cacheKeyFor } from './persisted-cache.ts';

function query(key: string, updatedAt: number, bytes: number, pin = false) {
  return {
    queryKey: [key],
    queryHash: key,
    meta: pin ? { pin: true } : undefined,
    state: { data: 'x'.repeat(bytes), dataUpdatedAt: updatedAt, status: 'success' },
  } as unknown as PersistedClient['clientState']['queries'][number];
}

const client = (queries: PersistedClient['clientState']['queries']): PersistedClient => ({
  timestamp: 0,
  buster: '',
  clientState: { queries, mutations: [] },
});

describe('persisted query cache', () => {
  it('keeps one entry per server', () => {
    expect(cacheKeyFor('http://a:3300')).not.toBe(cacheKeyFor('http://b:3300'));
  });

  it('keeps everything under the size bound', () => {
    const c = client([query('a', 1, 10), query('b', 2, 10)]);
    expect(boundPersistedClient(c, 10_000, JSON.stringify)).toBe(JSON.stringify(c));
  });

  it('drops the oldest results first and never a pinned one', () => {
    const c = client([query('old-pinned', 1, 300, true), query('old', 2, 300), query('new', 3, 300)]);
    const kept = JSON.parse(boundPersistedClient(c, 1_000, JSON.stringify)) as PersistedClient;
    expect(kept.clientState.queries.map((q) => q.queryHash)).toEqual(['old-pinned', 'new']);
  });
});
