/**
 * The read kit against the real embedded engine: every column type decodes what chDB actually writes in
 * JSONEachRow under the kit's settings, feature queries' rows decode from stored telemetry, and a column
 * declared with the wrong type fails naming it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricPoints } from '../src/features/metrics/metric-queries.ts';
import { searchSpans } from '../src/features/traces/trace-queries.ts';
import {
  appendMetricRows,
  appendSpanRows,
  array,
  attributeList,
  bool,
  computed,
  defineQuery,
  float64,
  int32,
  int64,
  int64Number,
  lastFlushId,
  nullable,
  openStorage,
  readRows,
  RowBinaryWriter,
  string,
  tableColumns,
  uint16,
  uint64,
  uint64Number,
  uint8,
  type Storage,
} from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { BASE_NS, metricsFixture, tracesFixture } from '../src/storage/telemetry-fixtures.ts';

let dataDir: string;
let storage: Storage;
const baseMs = Number(BASE_NS / 1_000_000n);
const range = { from: baseMs - 3_600_000, to: baseMs + 3_600_000 };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-read-kit-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  const spans = new RowBinaryWriter();
  const spanRows = appendSpanRows(spans, tracesFixture(), { cluster: 'default', flushId: 1n });
  await storage.insertRowBinary(storage.tables.spans, spans.bytes(), spanRows);
  const metrics = new RowBinaryWriter();
  const metricRows = appendMetricRows(metrics, metricsFixture(), { cluster: 'default', flushId: 1n });
  await storage.insertRowBinary(storage.tables.metrics, metrics.bytes(), metricRows);
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('read kit (embedded engine)', () => {
  it('decodes every column type as the engine writes it', async () => {
    const literals = defineQuery('test.literals', {
      s: computed(string, "toLowCardinality('checkout')"),
      b: computed(bool, 'true'),
      u8: computed(uint8, 'toUInt8(255)'),
      u16: computed(uint16, 'toUInt16(65535)'),
      i32: computed(int32, 'toInt32(-5)'),
      f: computed(float64, '1.5'),
      f_nan: computed(float64, 'nan'),
      f_inf: computed(float64, '-inf'),
      u64: computed(uint64, 'toUInt64(18446744073709551615)'),
      i64: computed(int64, 'toInt64(-9223372036854775808)'),
      u64n: computed(uint64Number, 'count()'),
      i64n: computed(int64Number, 'toInt64(1700000000000)'),
      none: computed(nullable(float64), "CAST(NULL, 'Nullable(Float64)')"),
      list: computed(array(uint64), '[toUInt64(1), toUInt64(2)]'),
      pairs: computed(attributeList, "CAST(map('__proto__', 'x', 'a', ''), 'Array(Tuple(String, String))')"),
    });
    const [row] = await readRows(storage, literals, 'FROM system.one');
    expect(row).toEqual({
      s: 'checkout',
      b: true,
      u8: 255,
      u16: 65_535,
      i32: -5,
      f: 1.5,
      f_nan: NaN,
      f_inf: -Infinity,
      u64: 18_446_744_073_709_551_615n,
      i64: -9_223_372_036_854_775_808n,
      u64n: 1,
      i64n: 1_700_000_000_000,
      none: null,
      list: [1n, 2n],
      pairs: [
        ['__proto__', 'x'],
        ['a', ''],
      ],
    });
  });

  it('decodes the rows of feature queries over stored spans and metrics', async () => {
    const page = await searchSpans(
      storage,
      { ...range, limit: 10 },
      { maxSpanEvents: 128, maxSpanLinks: 128 },
    );
    expect(page.items.length).toBeGreaterThan(1);
    for (const span of page.items) {
      expect(typeof span.startTimeUnixNano).toBe('bigint');
      expect(span.endTimeUnixNano - span.startTimeUnixNano).toBe(span.durationNs);
      expect(Array.isArray(span.attributes)).toBe(true);
    }
    const points = await metricPoints(storage, { ...range, name: 'process.memory.usage', limit: 10 });
    expect(points.map((p) => p.value)).toEqual([123_456_789, 1.5]);
    expect(points[0]).toMatchObject({ timeUnixNano: BASE_NS, count: 0n, sum: null, isMonotonic: false });
  });

  it('fails a stored column read with the wrong type, naming the query and the column', async () => {
    const spans = tableColumns(storage.tables.spans);
    const wrong = defineQuery('test.wrongKind', {
      name: spans.read('name', string),
      // kind is a UInt8: it arrives as a JSON number.
      kind: computed(string, spans.name('kind')),
    });
    await expect(readRows(storage, wrong, `FROM ${storage.qualified(storage.tables.spans)}`)).rejects.toThrow(
      /^test\.wrongKind: column "kind": expected String, got number 2$/,
    );
  });

  it('reads the last flush id (none yet: 0)', async () => {
    expect(await lastFlushId(storage)).toBe(0n);
  });
});
