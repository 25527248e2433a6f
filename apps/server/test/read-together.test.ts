/**
 * readTogether against the real embedded engine: several declared reads in one statement give each
 * exactly the rows (and decoded types) readRows gives it alone — 64-bit integers as exact strings, nan and
 * null under the kit's settings, arrays — and a part's bad column, a parameter bound twice to different
 * values or a failing statement are errors of every part.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  array,
  computed,
  defineQuery,
  float64,
  nullable,
  openStorage,
  readRows,
  readTogether,
  string,
  uint64,
  uint64Number,
  uint8,
  type Storage,
} from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';

let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-read-together-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const numbers = defineQuery('test.numbers', {
  n: computed(uint64, 'toUInt64(number) + {big:UInt64}'),
  name: computed(string, "concat('n', toString(number))"),
  buckets: computed(array(uint64Number), 'range(toUInt64(number))'),
});
const ratios = defineQuery('test.ratios', {
  k: computed(uint8, 'toUInt8(number)'),
  ratio: computed(float64, 'if(number = 0, nan, 1 / number)'),
  missing: computed(nullable(float64), 'if(number = 1, NULL, toFloat64(number))'),
});
const grouped = defineQuery('test.grouped', {
  parity: computed(uint8, 'toUInt8(number % 2)'),
  total: computed(uint64Number, 'sum(number)'),
});

const parts = {
  // 2^60: exact only as a string.
  numbers: {
    query: numbers,
    rest: 'FROM numbers({count:UInt32})',
    params: { count: 3, big: '1152921504606846976' },
  },
  ratios: { query: ratios, rest: 'FROM numbers({count:UInt32})', params: { count: 3 } },
  grouped: { query: grouped, rest: 'FROM numbers(10) GROUP BY parity ORDER BY parity', params: {} },
};

describe('readTogether (embedded engine)', () => {
  it("gives each part exactly readRows' rows, in one statement", async () => {
    let statements = 0;
    const counted = {
      client: {
        query: (p: Parameters<ClickHouseClient['query']>[0]) => {
          statements++;
          return storage.client.query(p);
        },
      } as unknown as ClickHouseClient,
    };
    const together = readTogether(counted);
    const [n, r, g] = await Promise.all([
      together.read(parts.numbers),
      together.read(parts.ratios),
      together.read(parts.grouped),
      together.run(),
    ]);
    expect(statements).toBe(1);
    expect(n).toEqual([
      { n: 1_152_921_504_606_846_976n, name: 'n0', buckets: [] },
      { n: 1_152_921_504_606_846_977n, name: 'n1', buckets: [0] },
      { n: 1_152_921_504_606_846_978n, name: 'n2', buckets: [0, 1] },
    ]);
    expect(r).toEqual([
      { k: 0, ratio: NaN, missing: 0 },
      { k: 1, ratio: 1, missing: null },
      { k: 2, ratio: 0.5, missing: 2 },
    ]);
    expect(g).toEqual([
      { parity: 0, total: 20 },
      { parity: 1, total: 25 },
    ]);
    expect(await readRows(storage, numbers, parts.numbers.rest, parts.numbers.params)).toEqual(n);
    expect(await readRows(storage, ratios, parts.ratios.rest, parts.ratios.params)).toEqual(r);
    expect(await readRows(storage, grouped, parts.grouped.rest, parts.grouped.params)).toEqual(g);
  });

  it('a part without rows gets none; no parts, no statement', async () => {
    const together = readTogether(storage);
    const none = together.read({ ...parts.numbers, params: { ...parts.numbers.params, count: 0 } });
    const some = together.read(parts.grouped);
    await together.run();
    expect(await none).toEqual([]);
    expect(await some).toHaveLength(2);
    const noStatement = {
      client: {
        query: () => Promise.reject(new Error('a statement without parts')),
      } as unknown as ClickHouseClient,
    };
    await expect(readTogether(noStatement).run()).resolves.toBeUndefined();
  });

  it('fails every part when one part has a bad column or the statement fails', async () => {
    const wrong = defineQuery('test.wrong', { n: computed(uint64, "'x'") });
    const together = readTogether(storage);
    const good = together.read(parts.grouped);
    const bad = together.read({ query: wrong, rest: 'FROM numbers(1)', params: {} });
    await together.run();
    await expect(good).resolves.toHaveLength(2);
    await expect(bad).rejects.toThrow(
      'test.wrong: column "n": expected UInt64 (a decimal string), got string "x"',
    );

    const failing = readTogether(storage);
    const a = failing.read(parts.grouped);
    const b = failing.read({ query: grouped, rest: 'FROM no_such_table GROUP BY parity', params: {} });
    await expect(failing.run()).rejects.toThrow(/no_such_table/);
    await expect(a).rejects.toThrow(/no_such_table/);
    await expect(b).rejects.toThrow(/no_such_table/);
  });

  it('binds each part its own parameters: the same name may hold different values; reserved columns refused', async () => {
    const together = readTogether(storage);
    const three = together.read(parts.numbers);
    const four = together.read({ ...parts.ratios, params: { count: 4 } });
    await together.run();
    expect((await three).map((r) => r.name)).toEqual(['n0', 'n1', 'n2']);
    expect((await four).map((r) => r.k)).toEqual([0, 1, 2, 3]);
    const reserved = defineQuery('test.reserved', { read_row: computed(string, "'x'") });
    expect(() => readTogether(storage).read({ query: reserved, rest: '', params: {} })).toThrow(
      'test.reserved: the column name "read_row" is reserved by readTogether',
    );
  });
});
