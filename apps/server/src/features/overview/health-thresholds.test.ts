import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_THRESHOLDS } from '@apo/shared/console';
import { storedHealthThresholds } from './health-thresholds.ts';

const mine = { breachPercent: 5, latency: [60, 65, 66], errorRate: [5, 10, 20], logErrors: [5, 10, 20] };
const everyone = { breachPercent: 70, latency: [70, 80, 90], errorRate: [5, 10, 20], logErrors: [5, 10, 20] };

function store(values: Record<string, unknown>) {
  const asked: string[] = [];
  return {
    asked,
    get: (scope: string, key: string) => {
      asked.push(`${scope}/${key}`);
      return Promise.resolve(
        scope in values ? { value: values[scope], updatedAt: 0, updatedBy: 'someone' } : null,
      );
    },
  };
}

function warnings() {
  const seen: { details: object; message: string }[] = [];
  return { seen, warn: (details: object, message: string) => seen.push({ details, message }) };
}

describe('the health thresholds an overview call scores with', () => {
  it("takes the caller's own, else the global ones, else the defaults", async () => {
    const log = warnings();
    const both = store({ 'user:7': mine, global: everyone });
    expect(await storedHealthThresholds(both, 'user:7', log)).toEqual(mine);
    expect(both.asked).toEqual(['user:7/health.thresholds', 'global/health.thresholds']);
    expect(await storedHealthThresholds(store({ global: everyone }), 'user:7', log)).toEqual(everyone);
    expect(await storedHealthThresholds(store({}), 'user:7', log)).toEqual(DEFAULT_HEALTH_THRESHOLDS);
    expect(log.seen).toEqual([]);
  });

  it('skips a stored value that is not thresholds, with a warning naming the scope and the problem', async () => {
    const log = warnings();
    const broken = store({ 'user:7': { ...mine, latency: [66, 65, 60] }, global: 'strict' });
    expect(await storedHealthThresholds(broken, 'user:7', log)).toEqual(DEFAULT_HEALTH_THRESHOLDS);
    expect(log.seen.map((w) => w.details)).toMatchObject([
      { scope: 'user:7', key: 'health.thresholds' },
      { scope: 'global', key: 'health.thresholds' },
    ]);
    expect(JSON.stringify(log.seen[0]!.details)).toMatch(/increasing percentages[^"]*latency/);
    expect(log.seen[0]!.message).toMatch(/health\.thresholds .*ignored/);
    const userBroken = store({ 'user:7': null, global: everyone });
    expect(await storedHealthThresholds(userBroken, 'user:7', log)).toEqual(everyone);
  });
});
