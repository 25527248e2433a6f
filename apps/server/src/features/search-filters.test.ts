import { describe, expect, it } from 'vitest';
import { SearchFilters } from './search-filters.ts';

describe('SearchFilters', () => {
  it('starts with the time range and the cluster, and reads one row more than a page', () => {
    const f = new SearchFilters({ from: 1, to: 2, cluster: 'eu', limit: 50 });
    expect(f.sql).toBe(
      'ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64}) AND cluster = {cluster:String}',
    );
    expect(f.params).toEqual({ from: 1, to: 2, limit: 51, cluster: 'eu' });
  });

  it('adds a filter for every value that is set — 0 and empty strings included — and none for undefined', () => {
    const f = new SearchFilters({ from: 1, to: 2, limit: 10 })
      .equal('service', 'service', undefined)
      .equal('status_code', 'status', 0, 'UInt8')
      .equal('name', 'name', '');
    expect(f.sql).toBe(
      'ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64}) AND status_code = {status:UInt8} AND name = {name:String}',
    );
    expect(f.params).toEqual({ from: 1, to: 2, limit: 11, status: 0, name: '' });
  });

  it('keeps user values out of the SQL text: they travel only as parameters', () => {
    const hostile = "x' OR 1=1 --";
    const f = new SearchFilters({ from: 1, to: 2, cluster: hostile, limit: 1 }).add(
      'hasToken(lower(body), {t0:String})',
      { t0: hostile },
    );
    expect(f.sql).not.toContain(hostile);
    expect(f.params).toMatchObject({ cluster: hostile, t0: hostile });
  });
});
