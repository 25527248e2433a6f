import { describe, expect, it } from 'vitest';
import {
  formatSelection,
  parseAttributeFilters,
  parseSelection,
  searchInput,
  validateTracesSearch,
  withAttribute,
} from './trace-search-state.ts';

describe('trace search URL state', () => {
  it('reads key=value, key!=value and key exists, and names a part that is none of them', () => {
    expect(parseAttributeFilters('customer.tier=gold; db.replica != replica-1 ;feature.flag exists')).toEqual(
      {
        filters: [
          { key: 'customer.tier', op: 'eq', value: 'gold' },
          { key: 'db.replica', op: 'neq', value: 'replica-1' },
          { key: 'feature.flag', op: 'exists' },
        ],
      },
    );
    expect(parseAttributeFilters('a=1; oops')).toEqual({
      problem: '"oops" is not key=value, key!=value or key exists',
    });
  });

  it('keeps a selection as four numbers and drops one that is inverted or malformed', () => {
    const sel = {
      fromMs: 1_700_000_000_000,
      toMs: 1_700_000_600_000,
      minDurationMs: 500.25,
      maxDurationMs: 1_000,
    };
    expect(formatSelection(sel)).toBe('1700000000000,1700000600000,500.25,1000');
    expect(parseSelection(formatSelection(sel))).toEqual(sel);
    expect(parseSelection('2,1,0,5')).toBeUndefined();
    expect(parseSelection('1,2,3')).toBeUndefined();
    expect(validateTracesSearch({ sel: 'x,1,2,3', tab: 'latency', attr: 'nonsense' })).toEqual({
      tab: 'latency',
    });
  });

  it('makes the server input from the URL, and adds a filter for an analytics row', () => {
    const s = validateTracesSearch({ service: 'api', minMs: '500', attr: 'tier!=gold', status: 'error' });
    expect(searchInput(s)).toEqual({
      service: 'api',
      operation: undefined,
      status: 'error',
      minDurationMs: 500,
      maxDurationMs: undefined,
      attributes: [{ key: 'tier', op: 'neq', value: 'gold' }],
      cluster: undefined,
    });
    expect(withAttribute('tier!=gold', { key: 'db.replica', op: 'eq', value: 'replica-3' })).toBe(
      'tier!=gold; db.replica=replica-3',
    );
    expect(withAttribute(undefined, { key: 'flag', op: 'exists' })).toBe('flag exists');
  });
});
