import { describe, expect, it } from 'vitest';
import { array, float64, string, uint64, uint64Number } from './column-types.ts';
import { computed, defineQuery, READ_SETTINGS, ReadError, readRows } from './read-query.ts';
import type { Storage } from '../open-storage.ts';

const servicesList = defineQuery('services.list', {
  service: computed(string, 'service'),
  spans: computed(uint64Number, 'sum(n_spans)'),
  sum_ms: computed(float64, 'sum(red_sum)'),
  buckets: computed(array(uint64Number), 'sumForEach(red_buckets)'),
});

const row = { service: 'checkout', spans: '3', sum_ms: 12.5, buckets: ['1', '2'] };

/** The error a decode throws. */
function readErrorOf(rows: unknown[]): ReadError {
  try {
    servicesList.decode(rows);
  } catch (err) {
    if (err instanceof ReadError) return err;
    throw err;
  }
  throw new Error('decoded');
}

describe('defineQuery', () => {
  it('selects exactly the declared columns, aliasing the computed ones', () => {
    expect(servicesList.select).toBe(
      'service, sum(n_spans) AS spans, sum(red_sum) AS sum_ms, sumForEach(red_buckets) AS buckets',
    );
  });

  it('decodes rows into their declared types', () => {
    const rows = servicesList.decode([row, { ...row, service: 'cart', spans: '0', buckets: [] }]);
    expect(rows).toEqual([
      { service: 'checkout', spans: 3, sum_ms: 12.5, buckets: [1, 2] },
      { service: 'cart', spans: 0, sum_ms: 12.5, buckets: [] },
    ]);
  });

  it('a column of the wrong type fails, naming the query and the column', () => {
    const err = readErrorOf([row, { ...row, spans: 3 }]);
    expect(err.message).toBe(
      'services.list: column "spans": expected UInt64 (a decimal string of at most 2^53 - 1), got number 3',
    );
    expect(err).toMatchObject({ query: 'services.list', column: 'spans' });
    const exact = defineQuery('services.list', { spans: computed(uint64, 'sum(n_spans)') });
    expect(() => exact.decode([{ spans: 3 }])).toThrow(
      'services.list: column "spans": expected UInt64 (a decimal string), got number 3',
    );
  });

  it('a missing column fails, naming it', () => {
    const { service: _service, ...rest } = row;
    expect(readErrorOf([rest]).message).toBe(
      'services.list: column "service": expected String, got nothing (the column is missing)',
    );
  });

  it('a bad element names its index', () => {
    expect(readErrorOf([{ ...row, buckets: ['1', 'x'] }]).message).toBe(
      'services.list: column "buckets"[1]: expected UInt64 (a decimal string of at most 2^53 - 1), got string "x"',
    );
  });

  it('a row that is not an object fails', () => {
    expect(readErrorOf([['checkout']]).message).toBe(
      'services.list: column "*": expected a row (a JSON object), got an array of 1',
    );
  });

  it('refuses aliases that are not plain identifiers, or that their own expression uses', () => {
    expect(() => defineQuery('q', { 'a b': computed(string, 'x') })).toThrow(
      '"a b" is not a plain column alias',
    );
    expect(() => defineQuery('q', { spans: computed(uint64, 'sum(spans)') })).toThrow(
      'the alias "spans" is also used in its own expression sum(spans)',
    );
    expect(() => defineQuery('q', { spans: computed(uint64, 'sum(span_count)') })).not.toThrow();
  });
});

describe('readRows', () => {
  it('runs SELECT <declared columns> <rest> with the read settings and bound parameters', async () => {
    const sent: unknown[] = [];
    const client = {
      query: (request: unknown) => {
        sent.push(request);
        return Promise.resolve({ json: () => Promise.resolve([row]) });
      },
    };
    // A stand-in for the client: only `query` is used, and what it answers is decoded like the engine's.
    const storage = { client } as unknown as Pick<Storage, 'client'>;
    const rows = await readRows(storage, servicesList, 'FROM t GROUP BY service', { from: 1 });
    expect(rows).toEqual([{ service: 'checkout', spans: 3, sum_ms: 12.5, buckets: [1, 2] }]);
    expect(sent).toEqual([
      {
        query: `SELECT ${servicesList.select}\nFROM t GROUP BY service\n${READ_SETTINGS}`,
        query_params: { from: 1 },
        format: 'JSONEachRow',
      },
    ]);
  });
});
