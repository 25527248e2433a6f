import { describe, expect, it } from 'vitest';
import { RED_BUCKET_COUNT, summarizeRed } from '@apo/shared/red';
import type { EventRow, MetricSeries } from './investigation-queries.ts';
import type { ServerMinute } from './minute-rows.ts';
import { buildSignals, type Frame } from './investigation-signals.ts';

const START_MS = Date.UTC(2026, 0, 5, 12, 0);
const MINUTE_MS = 60_000;
const frame: Frame = { startMs: START_MS, minutes: 4, rangeStartIndex: 0, symptom: null };
const noDependencies = { edges: [], peerService: () => null };

const server = (minute: number): ServerMinute => ({
  service: 'fraud',
  instance: 'fraud-1',
  minute_s: (START_MS + minute * MINUTE_MS) / 1000,
  hit: 0,
  requests: 10,
  failed: 0,
  sum_ms: 50,
  buckets: [],
});

/** A metric series' minute, as the tests write them; consecutive minutes of one series become its arrays. */
interface MetricMinute {
  service: string;
  instance: string;
  name: string;
  unit: string;
  disk_direction: string;
  series: string;
  minute_s: number;
  last_ms: number;
  cumulative: boolean;
  v: number;
}

/** process.cpu.time of fraud-1 as the minute's last cumulative value, its last point `atS` seconds into it. */
const cpu = (minute: number, v: number, atS = 58): MetricMinute => ({
  service: 'fraud',
  instance: 'fraud-1',
  name: 'process.cpu.time',
  unit: 's',
  disk_direction: '',
  series: '1',
  minute_s: (START_MS + minute * MINUTE_MS) / 1000,
  last_ms: START_MS + minute * MINUTE_MS + atS * 1000,
  cumulative: true,
  v,
});

/** Minutes → series as the read returns them: a run of minutes of one series is one row of arrays. */
function asSeries(minutes: readonly MetricMinute[]): MetricSeries[] {
  const out: MetricSeries[] = [];
  for (const m of minutes) {
    const last = out.at(-1);
    const same =
      last !== undefined &&
      last.service === m.service &&
      last.instance === m.instance &&
      last.name === m.name &&
      last.series === m.series &&
      last.cumulative === m.cumulative;
    const s = same
      ? last
      : {
          service: m.service,
          instance: m.instance,
          name: m.name,
          unit: m.unit,
          disk_direction: m.disk_direction,
          series: m.series,
          cumulative: m.cumulative,
          additive: false,
          minutes: [],
          last_offsets: [],
          values: [],
        };
    if (!same) out.push(s);
    s.minutes.push(m.minute_s);
    s.last_offsets.push(m.last_ms - m.minute_s * 1000);
    s.values.push(m.v);
  }
  return out;
}

const rows = (metrics: MetricMinute[], events: EventRow[] = []) => ({
  server: [0, 1, 2, 3].map(server),
  client: [],
  metrics: asSeries(metrics),
  logs: [],
  events,
});

describe('buildSignals', () => {
  it('a cumulative counter becomes a rate per minute over the time between last points, the current minute’s too', () => {
    // 1 s a minute, then a fault burning 6 s a minute from minute 2; minute 3 is the current one, its
    // last point 10 s in: 1 s more there is 6 s a minute, not a quiet minute.
    const sig = buildSignals(
      rows([cpu(0, 10), cpu(1, 11), cpu(2, 17), cpu(3, 18, 8)]),
      frame,
      noDependencies,
    );
    const series = sig.services[0]?.instances[0]?.cpuSeconds ?? [];
    expect(series[0]).toBeNull();
    expect(series[1]).toBeCloseTo(1, 9);
    expect(series[2]).toBeCloseTo(6, 9);
    expect(series[3]).toBeCloseTo(6, 9);
  });

  it('a drop is a restart: the new process counted from zero', () => {
    const sig = buildSignals(rows([cpu(0, 10), cpu(1, 11), cpu(2, 0.5)]), frame, noDependencies);
    expect(sig.services[0]?.instances[0]?.cpuSeconds.slice(0, 3)).toEqual([null, 1, 0.5]);
  });

  it('a version change carries its version and the one before it (a rollback is told by them)', () => {
    const event = (ts: number, from: string, to: string): EventRow => ({
      ts_ms: ts,
      service: 'fraud',
      instance: 'fraud-1',
      name: 'service.version.change',
      message: `fraud changed version ${from} → ${to}`,
      new_version: to,
      previous_version: from,
    });
    const sig = buildSignals(
      rows([], [event(START_MS + 1000, '1.0.0', '1.1.0'), event(START_MS + 90_000, '1.1.0', '1.0.0')]),
      frame,
      noDependencies,
    );
    expect(sig.services[0]?.events).toEqual([
      {
        ts: START_MS + 1000,
        name: 'service.version.change',
        instance: 'fraud-1',
        detail: '→ 1.1.0',
        version: '1.1.0',
        previousVersion: '1.0.0',
      },
      {
        ts: START_MS + 90_000,
        name: 'service.version.change',
        instance: 'fraud-1',
        detail: '→ 1.0.0',
        version: '1.0.0',
        previousVersion: '1.1.0',
      },
    ]);
  });

  it('p50 and p99 per minute are those of the minute’s rows summed over instances (as summarizeRed gives)', () => {
    const histogram = (seed: number) =>
      Array.from({ length: RED_BUCKET_COUNT }, (_, b) => ((b * 7 + seed * 3) % 5) * (b < 9 ? 3 : 1));
    const row = (minute: number, instance: string, seed: number): ServerMinute => ({
      ...server(minute),
      instance,
      buckets: histogram(seed),
    });
    const serverRows = [
      row(0, 'fraud-1', 1),
      row(0, 'fraud-2', 2),
      row(1, 'fraud-1', 3),
      row(2, 'fraud-2', 4),
      // A row without buckets still makes its minute one with rows: no quantile in it.
      { ...server(3), buckets: [] },
    ];
    const sig = buildSignals({ ...rows([]), server: serverRows }, frame, noDependencies);
    const expected = (minute: number) =>
      summarizeRed(
        serverRows
          .filter((r) => r.minute_s === server(minute).minute_s)
          .map((r) => ({
            count: r.requests,
            errorCount: r.failed,
            durationSumMs: r.sum_ms,
            bucketCounts: r.buckets,
          })),
      );
    const fraud = sig.services[0];
    expect(fraud?.p50Ms).toEqual([0, 1, 2, 3].map((m) => expected(m).p50));
    expect(fraud?.p99Ms).toEqual([0, 1, 2, 3].map((m) => expected(m).p99));
    expect(fraud?.p50Ms[0]).toBeGreaterThan(0);
    expect(fraud?.p50Ms[3]).toBeNull();
  });

  it('metric rows of a service without entry spans are left out, and do not break a counter of the next one', () => {
    const other = (minute: number, v: number): MetricMinute => ({ ...cpu(minute, v), service: 'aaa' });
    const second = (minute: number, v: number): MetricMinute => ({ ...cpu(minute, v), instance: 'fraud-2' });
    const sig = buildSignals(
      rows([other(0, 1), other(1, 50), cpu(0, 10), cpu(1, 11), second(0, 5), second(1, 8), cpu(2, 0.5)]),
      frame,
      noDependencies,
    );
    expect(sig.services.map((s) => s.service)).toEqual(['fraud']);
    const [one, two] = sig.services[0]?.instances ?? [];
    expect(one?.instance).toBe('fraud-1');
    expect(one?.cpuSeconds[1]).toBeCloseTo(1, 9);
    expect(two?.cpuSeconds[1]).toBeCloseTo(3, 9);
    // The row after fraud-2's is fraud-1's again: its previous value is fraud-2's, so no rate (as before).
    expect(one?.cpuSeconds[2]).toBeNull();
  });

  it('a counter continues across two series of one label set (another type): its first minute is a rate', () => {
    const gauge = (minute: number, v: number): MetricMinute => ({ ...cpu(minute, v), cumulative: false });
    const sig = buildSignals(rows([gauge(0, 10), gauge(1, 11), cpu(2, 13)]), frame, noDependencies);
    expect(sig.services[0]?.instances[0]?.cpuSeconds.slice(0, 3)).toEqual([10, 11, 2]);
  });

  it('a disk series of neither direction adds no instance (an instance exists only with a value of it)', () => {
    const disk = (minute: number): MetricMinute => ({
      ...cpu(minute, 1000 * minute),
      instance: 'fraud-9',
      name: 'process.disk.io',
      unit: 'By',
      cumulative: false,
    });
    const sig = buildSignals(rows([disk(0), disk(1)]), frame, noDependencies);
    expect(sig.services[0]?.instances.map((i) => i.instance)).toEqual(['fraud-1']);
    const written = buildSignals(
      rows([
        { ...disk(0), disk_direction: 'write' },
        { ...disk(1), disk_direction: 'write' },
      ]),
      frame,
      noDependencies,
    );
    expect(
      written.services[0]?.instances.find((i) => i.instance === 'fraud-9')?.diskWriteBytes.slice(0, 2),
    ).toEqual([0, 1000]);
  });
});
