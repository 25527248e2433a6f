import { describe, expect, it } from 'vitest';
import { byMostDegraded, changePercent, scoreHealth, type HealthScore } from './overview.ts';

describe('changePercent', () => {
  it('is the relative increase, null without a baseline', () => {
    expect(changePercent(120, 100)).toBeCloseTo(20);
    expect(changePercent(80, 100)).toBeCloseTo(-20);
    expect(changePercent(5, 0)).toBe(100);
    expect(changePercent(0, 0)).toBe(0);
    expect(changePercent(null, 3)).toBeNull();
    expect(changePercent(3, null)).toBeNull();
  });
});

describe('scoreHealth (APO: latency <10/<20/<50 %, errors and log errors <5/<10/<20 %)', () => {
  it('gives 3 points per steady dimension: green', () => {
    const s = scoreHealth({ latency: 2, errorRate: null, logErrors: -30 });
    expect(s.points.map((p) => p.points)).toEqual([3, 3, 3]);
    expect(s).toMatchObject({ level: 'ok', total: 9, breachedCount: 0, worstChangePercent: 2 });
  });
  it('scores each band edge and counts breaches above 5 %', () => {
    const s = scoreHealth({ latency: 15, errorRate: 7, logErrors: 4 });
    expect(s.points.map((p) => [p.points, p.breached])).toEqual([
      [2, true],
      [2, true],
      [3, false],
    ]);
    expect(s).toMatchObject({ level: 'warning', total: 7, breachedCount: 2, worstChangePercent: 15 });
  });
  it('is red when one dimension scores 0', () => {
    const s = scoreHealth({ latency: 50, errorRate: 0, logErrors: 0 });
    expect(s.points[0]!.points).toBe(0);
    expect(s.level).toBe('critical');
    expect(s.total).toBe(6);
  });
  it('sorts the most degraded first', () => {
    const rows: { name: string; health: HealthScore }[] = [
      { name: 'a', health: scoreHealth({ latency: 30, errorRate: null, logErrors: null }) },
      { name: 'b', health: scoreHealth({ latency: 8, errorRate: 9, logErrors: null }) },
      { name: 'c', health: scoreHealth({ latency: 300, errorRate: null, logErrors: null }) },
    ];
    expect(rows.sort(byMostDegraded((r) => r.name)).map((r) => r.name)).toEqual(['b', 'c', 'a']);
  });
});
