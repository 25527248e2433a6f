import { describe, expect, it } from 'vitest';
import type { EventRow, MetricMinute, ServerMinute } from './investigation-queries.ts';
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

const rows = (metrics: MetricMinute[], events: EventRow[] = []) => ({
  server: [0, 1, 2, 3].map(server),
  client: [],
  metrics,
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
});
