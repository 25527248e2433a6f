import { describe, expect, it } from 'vitest';
import { analyticsInput, traceSearchInput } from './trace-set.ts';

const range = { from: 1_000, to: 2_000 };
const problems = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('trace search input', () => {
  it('takes key=value, key!=value and key exists, and names a missing value', () => {
    const ok = traceSearchInput.parse({
      ...range,
      attributes: [
        { key: 'tier', value: 'gold' },
        { key: 'tier', op: 'neq', value: 'gold' },
        { key: 'feature.flag', op: 'exists' },
      ],
    });
    expect(ok.attributes).toEqual([
      { key: 'tier', op: 'eq', value: 'gold' },
      { key: 'tier', op: 'neq', value: 'gold' },
      { key: 'feature.flag', op: 'exists' },
    ]);
    expect(ok.limit).toBe(50);
    expect(
      problems(traceSearchInput.safeParse({ ...range, attributes: [{ key: 'tier', op: 'neq' }] })),
    ).toEqual(['attributes.0.value: a value is required with op "neq"']);
    expect(
      problems(
        traceSearchInput.safeParse({ ...range, attributes: [{ key: 'tier', op: 'like', value: 'x' }] }),
      ),
    ).toHaveLength(1);
  });

  it('lower-cases a trace id and refuses one of the wrong shape', () => {
    expect(traceSearchInput.parse({ ...range, traceId: 'AB'.repeat(16) }).traceId).toBe('ab'.repeat(16));
    expect(problems(traceSearchInput.safeParse({ ...range, traceId: 'xyz' }))).toEqual([
      'traceId: a trace id is 32 hex characters',
    ]);
  });
});

describe('analytics input', () => {
  it('takes a scatter selection and names what is wrong with an inverted one', () => {
    const selection = { fromMs: 1_500, toMs: 1_800, minDurationMs: 200, maxDurationMs: 900.5 };
    expect(analyticsInput.parse({ ...range, selection }).selection).toEqual(selection);
    expect(
      problems(
        analyticsInput.safeParse({
          ...range,
          selection: { fromMs: 1_800, toMs: 1_500, minDurationMs: 900, maxDurationMs: 200 },
        }),
      ),
    ).toEqual([
      'selection.toMs: must not be before fromMs (1800)',
      'selection.maxDurationMs: must not be below minDurationMs (900)',
    ]);
  });
});
