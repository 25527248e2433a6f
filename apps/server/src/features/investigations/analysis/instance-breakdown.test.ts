import { describe, expect, it } from 'vitest';
import { instanceBreakdown } from './instance-breakdown.ts';
import { chainSignals } from './signal-fixtures.ts';

const instanceOf = (kind: 'cpu' | 'gc' | 'disk' | 'latency') => {
  const signals = chainSignals({ service: 'payments', kind, from: 30 });
  const inst = signals.services.find((s) => s.service === 'payments')?.instances[0];
  if (inst === undefined) throw new Error('no instance');
  return inst;
};

describe('time breakdown per instance', () => {
  it('a CPU burn shows in the cpu bucket, per request', () => {
    const b = instanceBreakdown(instanceOf('cpu'), 30);
    expect(b.top?.bucket).toBe('cpu');
    expect(b.top?.shift?.after).toBeGreaterThan(100);
  });
  it('GC churn shows in the gc bucket (it also costs CPU, but GC rose more)', () => {
    expect(instanceBreakdown(instanceOf('gc'), 30).top?.bucket).toBe('gc');
  });
  it('fsync-ed writes show in the disk-io bucket', () => {
    expect(instanceBreakdown(instanceOf('disk'), 30).top?.bucket).toBe('disk-io');
  });
  it('a slow code path that only waits shows in no bucket', () => {
    expect(instanceBreakdown(instanceOf('latency'), 30).top).toBeNull();
  });
});
