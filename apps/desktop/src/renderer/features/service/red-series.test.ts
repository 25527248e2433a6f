import { describe, expect, it } from 'vitest';
import { eventMarkers, redCharts, stepSecondsOf, type RedStep } from './red-series.ts';

const step = (t: number, count: number, errors: number, p95: number | null): RedStep => ({
  t,
  count,
  errors,
  avg: p95 === null ? null : p95 / 2,
  p50: p95 === null ? null : p95 / 4,
  p95,
  p99: p95 === null ? null : p95 * 2,
});

describe('service RED charts', () => {
  const today = [step(60_000, 120, 6, 40), step(120_000, 0, 0, null)];
  const yesterday = [step(60_000 - 86_400_000, 60, 0, 20)];

  it('turns counts into req/s with the server step and keeps empty steps empty', () => {
    expect(stepSecondsOf(today)).toBe(60);
    const charts = redCharts(today, null);
    expect(charts.throughput[0]!.points).toEqual([
      [60_000, 2],
      [120_000, 0],
    ]);
    expect(charts.errorRate[0]!.points).toEqual([
      [60_000, 5],
      [120_000, null],
    ]);
    expect(charts.latency.map((s) => s.name)).toEqual(['p50', 'p95', 'p99']);
  });

  it('lays the comparison period under the same clock time, dashed', () => {
    const charts = redCharts(today, { steps: yesterday, shiftMs: 86_400_000, label: 'yesterday' });
    expect(charts.latency[3]).toEqual({ name: 'p95 yesterday', points: [[60_000, 20]], comparison: true });
  });

  it('classifies change events for markers', () => {
    expect(
      eventMarkers([
        { atMs: 1, name: 'process.restart' },
        { atMs: 2, name: 'service.version.changed' },
        { atMs: 3, name: 'k8s.event', reason: 'BackOff' },
      ]).map((m) => [m.kind, m.label]),
    ).toEqual([
      ['restart', 'process.restart'],
      ['deploy', 'service.version.changed'],
      ['alert', 'k8s.event: BackOff'],
    ]);
  });
});
