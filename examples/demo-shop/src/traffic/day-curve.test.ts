import { describe, expect, it } from 'vitest';
import { clockOf, dayShape, phaseAt, rateAt } from './day-curve.ts';

describe('daily traffic curve', () => {
  it('is quiet at 03:00, busiest at 15:00, and averages to the configured rate', () => {
    expect(dayShape(0.125)).toBeCloseTo(0.1);
    expect(dayShape(0.625)).toBeCloseTo(1);
    const steps = 1440;
    let sum = 0;
    for (let i = 0; i < steps; i++) sum += rateAt(3, i / steps);
    expect(sum / steps).toBeCloseTo(3, 5);
    expect(rateAt(3, 0.625) / rateAt(3, 0.125)).toBeCloseTo(10);
  });

  it('compresses a day into dayMs, starting at the given phase', () => {
    expect(phaseAt(0, 60_000, 0.375)).toBeCloseTo(0.375);
    expect(phaseAt(30_000, 60_000, 0.75)).toBeCloseTo(0.25);
    expect(clockOf(0.375)).toBe('09:00');
    expect(clockOf(phaseAt(15_000, 60_000, 0.375))).toBe('15:00');
  });
});
