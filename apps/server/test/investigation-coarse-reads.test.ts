/**
 * A long range's reads (read-resolution.ts) on the real embedded engine: inside the coarse window each
 * read returns a 5-minute bucket's figures spread over its minutes, outside it the minutes as a fine read
 * returns them. Checked against the fine reads of the same generated data (two services, one with two
 * instances; several endpoints and call keys; a cumulative counter with two label sets, a gauge and a
 * delta counter, three points a minute; minutes missing here and there), and through `buildSignals`:
 * a bucket's minutes carry its counts' even share and its counter's rate, so the window's totals stay.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientMinutes,
  instanceMinutes,
  metricSeries,
  serverMinutes,
  serviceMinutes,
  type MetricSeries,
  type Scope,
} from '../src/features/investigations/investigation-queries.ts';
import { buildSignals, METRIC_FIELDS } from '../src/features/investigations/investigation-signals.ts';
import { openStorage, type Storage } from '../src/storage/open-storage.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { seedCoarseWorld } from './support/coarse-world.ts';

const MINUTE = 60_000;
const BUCKET = 5 * MINUTE;
const START = Math.floor(Date.now() / BUCKET) * BUCKET - 60 * MINUTE;
const MINUTES = 30;
const coarse = { fromMs: START + 10 * MINUTE, toMs: START + 25 * MINUTE };
const fine: Scope = { fromMs: START, toMs: START + MINUTES * MINUTE };
const wide: Scope = { ...fine, coarse };
const inWindow = (s: number) => s * 1000 >= coarse.fromMs && s * 1000 < coarse.toMs;
/** The first minute (s) of the point a minute belongs to: its bucket's inside the window. */
const pointOf = (s: number) => (inWindow(s) ? Math.floor((s * 1000) / BUCKET) * (BUCKET / 1000) : s);
let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-investigation-coarse-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await seedCoarseWorld(storage, START, MINUTES);
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Per key and point start: the sums of `values` over the fine rows, as a coarse read groups them. */
function grouped<R extends { minute_s: number }>(
  rows: readonly R[],
  key: (r: R) => string,
  values: (r: R) => number[],
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const k = `${key(r)}|${pointOf(r.minute_s)}`;
    const v = values(r);
    const got = out.get(k) ?? v.map(() => 0);
    out.set(
      k,
      got.map((x, i) => x + (v[i] ?? 0)),
    );
  }
  return out;
}

/** The coarse rows: a bucket's minutes each an even share, a minute outside the window as it is. */
function expectSpread<R extends { minute_s: number }>(
  coarseRows: readonly R[],
  expected: Map<string, number[]>,
  key: (r: R) => string,
  values: (r: R) => number[],
) {
  const seen = new Map<string, number>();
  for (const r of coarseRows) {
    const start = pointOf(r.minute_s);
    const k = `${key(r)}|${start}`;
    const want = expected.get(k);
    expect(want, k).toBeDefined();
    const share = inWindow(r.minute_s) ? 1 / 5 : 1;
    values(r).forEach((v, i) => expect(v, `${k} [${i}]`).toBeCloseTo((want?.[i] ?? NaN) * share, 9));
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  // Every point of the fine read is there, a bucket's as its five minutes.
  expect([...seen.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [k, n] of seen) expect(n, k).toBe(inWindow(Number(k.split('|').at(-1))) ? 5 : 1);
}

const redValues = (r: { requests: number; failed: number; sum_ms: number; buckets: number[] }) => [
  r.requests,
  r.failed,
  r.sum_ms,
  ...r.buckets,
];

describe('a long range read with its far past in 5-minute buckets', () => {
  it('entry RED per service: each bucket’s counts, durations and histogram spread evenly; the other minutes as read', async () => {
    const fineRows = await serverMinutes(storage, fine);
    const rows = await serviceMinutes(storage, wide);
    expect(rows.every((r) => r.instance === null && r.hit === 0)).toBe(true);
    expect(rows.some((r) => inWindow(r.minute_s))).toBe(true);
    expectSpread(
      rows,
      grouped(fineRows, (r) => r.service, redValues),
      (r) => r.service,
      redValues,
    );
    // Service by service, minutes in order.
    const order = rows.map((r) => `${r.service} ${String(r.minute_s).padStart(12)}`);
    expect(order).toEqual([...order].sort());
  });

  it('the asked endpoint’s rows apart, per service and per instance', async () => {
    const fineRows = await serverMinutes(storage, fine, 'POST /b');
    const rows = await serviceMinutes(storage, wide, 'POST /b');
    expectSpread(
      rows,
      grouped(fineRows, (r) => `${r.service} ${r.hit}`, redValues),
      (r) => `${r.service} ${r.hit}`,
      redValues,
    );
    const perInstance = await instanceMinutes(storage, wide, 'POST /b');
    expectSpread(
      perInstance,
      grouped(
        fineRows,
        (r) => `${r.service} ${r.instance} ${r.hit}`,
        (r) => [r.requests],
      ),
      (r) => `${r.service} ${r.instance} ${r.hit}`,
      (r) => [r.requests],
    );
  });

  it('requests per instance', async () => {
    const fineRows = await serverMinutes(storage, fine);
    const rows = await instanceMinutes(storage, wide);
    expect(new Set(rows.map((r) => r.instance))).toEqual(new Set(['a-1', 'a-2', 'b-1']));
    expectSpread(
      rows,
      grouped(
        fineRows,
        (r) => `${r.service} ${r.instance}`,
        (r) => [r.requests],
      ),
      (r) => `${r.service} ${r.instance}`,
      (r) => [r.requests],
    );
  });

  it('client calls per call key', async () => {
    const key = (r: {
      service: string;
      call_type: string;
      peer: string;
      system: string;
      db_namespace: string;
    }) => [r.service, r.call_type, r.peer, r.system, r.db_namespace].join(' ');
    const values = (r: { calls: number; failed: number; sum_ms: number }) => [r.calls, r.failed, r.sum_ms];
    const fineRows = await clientMinutes(storage, fine);
    const rows = await clientMinutes(storage, wide);
    expectSpread(rows, grouped(fineRows, key, values), key, values);
    const order = rows.map((r) => `${key(r)} ${String(r.minute_s).padStart(12)}`);
    expect(order).toEqual([...order].sort());
  });

  it('metrics: the same series in the same order; a bucket’s last counter value and point, a level’s average, a delta counter’s sum', async () => {
    const names = Object.keys(METRIC_FIELDS);
    const fineSeries = await metricSeries(storage, fine, names);
    const series = await metricSeries(storage, wide, names);
    const head = (s: MetricSeries) => {
      const { minutes: _m, last_offsets: _o, values: _v, ...rest } = s;
      return rest;
    };
    expect(series.map(head)).toEqual(fineSeries.map(head));
    expect(new Set(series.map((s) => s.name))).toEqual(
      new Set(['process.disk.io', 'process.memory.usage', 'apo.process.blkio.delay.time']),
    );
    expect(series.filter((s) => s.additive).map((s) => s.name)).toEqual(
      Array(2).fill('apo.process.blkio.delay.time'),
    );
    for (const [i, s] of series.entries()) {
      const f = fineSeries[i];
      if (f === undefined) throw new Error('a series missing');
      const expected: [number, number, number][] = [];
      f.minutes.forEach((minute, k) => {
        const start = pointOf(minute);
        const lastMs = minute * 1000 + (f.last_offsets[k] ?? 0);
        const v = f.values[k] ?? 0;
        const prev = expected.at(-1);
        if (prev === undefined || prev[0] !== start) {
          expected.push([start, lastMs - start * 1000, v]);
          return;
        }
        // Three points a minute in every minute: a level's bucket average is the average of its minutes'.
        const n = f.minutes.filter((x) => pointOf(x) === start).length;
        prev[1] = lastMs - start * 1000;
        prev[2] = s.cumulative ? v : s.additive ? prev[2] + v : prev[2] + (v - prev[2]) / n;
      });
      // The level: the running mean above is exact only at the end, so recompute it plainly.
      for (const e of expected)
        if (!s.cumulative && !s.additive) {
          const vs = f.minutes.flatMap((x, k) => (pointOf(x) === e[0] ? [f.values[k] ?? 0] : []));
          e[2] = vs.reduce((a, b) => a + b, 0) / vs.length;
        }
      expect(s.minutes, `${s.name} ${s.series}`).toEqual(expected.map((e) => e[0]));
      expect(s.last_offsets).toEqual(expected.map((e) => e[1]));
      s.values.forEach((v, k) => expect(v).toBeCloseTo(expected[k]?.[2] ?? NaN, 9));
    }
  });

  it('through the signals: a bucket’s minutes share its requests and its counters’ rates, the window’s totals kept', async () => {
    const names = Object.keys(METRIC_FIELDS);
    const deps = { edges: [], peerService: () => null };
    const frame = { startMs: START, minutes: MINUTES, rangeStartIndex: 0, symptom: null };
    const fineSig = buildSignals(
      {
        server: await serverMinutes(storage, fine),
        client: await clientMinutes(storage, fine),
        metrics: await metricSeries(storage, fine, names),
        logs: [],
        events: [],
      },
      frame,
      deps,
    );
    const sig = buildSignals(
      {
        server: await serviceMinutes(storage, wide),
        instances: await instanceMinutes(storage, wide),
        client: await clientMinutes(storage, wide),
        metrics: await metricSeries(storage, wide, names),
        logs: [],
        events: [],
      },
      { ...frame, coarse },
      deps,
    );
    const sum = (xs: readonly (number | null)[], from: number, to: number) =>
      xs.slice(from, to).reduce<number>((a, b) => a + (b ?? 0), 0);
    const a = sig.services.find((s) => s.service === 'a');
    const fa = fineSig.services.find((s) => s.service === 'a');
    if (a === undefined || fa === undefined) throw new Error('service a missing');
    expect(a.instances.map((i) => i.instance)).toEqual(['a-1', 'a-2']);
    for (let b = 10; b < 25; b += 5) {
      // Counts: the bucket's total over its five equal minutes.
      expect(sum(a.requests, b, b + 5)).toBeCloseTo(sum(fa.requests, b, b + 5), 9);
      expect(new Set(a.requests.slice(b, b + 5)).size).toBe(1);
      expect(sum(a.clientMs, b, b + 5)).toBeCloseTo(sum(fa.clientMs, b, b + 5), 9);
      for (const [k, inst] of a.instances.entries()) {
        const f = fa.instances[k];
        if (f === undefined) throw new Error('an instance missing');
        expect(sum(inst.requests, b, b + 5)).toBeCloseTo(sum(f.requests, b, b + 5), 9);
        // A counter read every 60 s: the bucket's rate is its minutes' average rate.
        expect(sum(inst.diskWriteBytes, b, b + 5)).toBeCloseTo(sum(f.diskWriteBytes, b, b + 5), 6);
        expect(new Set(inst.diskWriteBytes.slice(b, b + 5)).size).toBe(1);
        // A delta counter's bucket sum, shared; a level repeated.
        expect(sum(inst.blkioSeconds, b, b + 5)).toBeCloseTo(sum(f.blkioSeconds, b, b + 5), 9);
        expect(sum(inst.rssBytes, b, b + 5) / 5).toBeCloseTo(sum(f.rssBytes, b, b + 5) / 5, 9);
      }
    }
    // Outside the window the signals are the fine ones.
    for (const m of [...Array(10).keys(), ...Array.from({ length: 5 }, (_, i) => 25 + i)]) {
      expect(a.requests[m]).toBe(fa.requests[m]);
      expect(a.p99Ms[m]).toBe(fa.p99Ms[m]);
      const read = a.instances[0]?.diskReadBytes[m];
      const fineRead = fa.instances[0]?.diskReadBytes[m];
      // The counter's first minute has no rate (no minute before it), either way.
      if (fineRead === null || fineRead === undefined) expect(read).toBe(fineRead);
      else expect(read).toBeCloseTo(fineRead, 9);
    }
    expect(a.instances[0]?.diskReadBytes[0]).toBeNull();
    expect(a.instances[0]?.diskReadBytes[1]).toBeGreaterThan(0);
  });
});
