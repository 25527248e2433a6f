import { describe, expect, it } from 'vitest';
import { parseOverviewSearch } from '../features/overview/overview-search.ts';
import { parseGlobalSearch } from './global-search.ts';

describe('URL search params', () => {
  it('reads the global range, comparison and refresh, with defaults for anything missing or wrong', () => {
    expect(parseGlobalSearch({ from: 'now-6h', to: 'now', compare: 'week', refresh: '30s' })).toEqual({
      from: 'now-6h',
      to: 'now',
      compare: 'week',
      refresh: '30s',
    });
    expect(parseGlobalSearch({ compare: 'month', refresh: '3s' })).toEqual({
      from: 'now-1h',
      to: 'now',
      compare: 'day',
      refresh: 'off',
    });
  });

  it('reads the overview filters and sort, defaulting to most degraded first', () => {
    expect(parseOverviewSearch({})).toEqual({
      cluster: undefined,
      namespace: undefined,
      q: undefined,
      sort: 'degraded',
      dir: 'desc',
      open: undefined,
    });
    expect(parseOverviewSearch({ sort: 'name', q: '  checkout ', cluster: 'prod-eu' })).toMatchObject({
      sort: 'name',
      dir: 'asc',
      q: 'checkout',
      cluster: 'prod-eu',
    });
    expect(parseOverviewSearch({ sort: 'DROP TABLE', dir: 'sideways' })).toMatchObject({
      sort: 'degraded',
      dir: 'desc',
    });
  });
});
