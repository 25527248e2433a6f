import { describe, expect, it } from 'vitest';
import { errorChain, traceRootCause, type TraceSpan } from './trace-root-cause.ts';

function s(
  spanId: string,
  parentSpanId: string,
  service: string,
  startMs: number,
  durationMs: number,
  error = '',
): TraceSpan {
  return {
    spanId,
    parentSpanId,
    service,
    name: `${service} op`,
    startMs,
    durationMs,
    error: error !== '',
    errorText: error,
  };
}

describe('per-trace root cause', () => {
  // gateway (0–620) → orders (5–610) → payments (10–600, of which fraud 20–40 and a 500 ms self stall)
  const slow = [
    s('g', '', 'gateway', 0, 620),
    s('gc', 'g', 'gateway', 4, 610),
    s('o', 'gc', 'orders', 5, 605),
    s('oc', 'o', 'orders', 8, 595),
    s('p', 'oc', 'payments', 10, 590),
    s('f', 'p', 'fraud', 20, 20),
  ];
  const expected = new Map([
    ['gateway', 10],
    ['orders', 10],
    ['payments', 10],
    ['fraud', 20],
  ]);

  it('the service whose self time exceeds its expectation the most is the cause, not the entry', () => {
    const r = traceRootCause('t1', slow, expected);
    expect(r.rootCause).toEqual({
      service: 'payments',
      spanId: 'p',
      name: 'payments op',
      reason: 'self-time',
    });
    expect(r.services.find((x) => x.service === 'payments')).toMatchObject({ selfMs: 570, expectedMs: 10 });
    expect(r.services.find((x) => x.service === 'gateway')?.selfMs).toBe(15);
    expect(r.errorChain).toEqual([]);
  });

  it('services holding under 20 % of the request cannot be the cause', () => {
    const r = traceRootCause('t1', slow, new Map([['payments', 600]]));
    // payments is within its (huge) expectation; fraud is slow relative to nothing but holds 3 %.
    expect(r.rootCause?.service).not.toBe('fraud');
  });

  it('error trace: the deepest failing span whose children did not fail, and the chain up to the entry', () => {
    const failing = [
      s('g', '', 'gateway', 0, 100, 'HTTP 502'),
      s('o', 'g', 'orders', 5, 90, 'HTTP 500'),
      s('p', 'o', 'payments', 10, 50, 'TypeError: x is undefined'),
      s('f', 'p', 'fraud', 12, 5),
      s('i', 'o', 'inventory', 70, 10),
    ];
    const r = traceRootCause('t2', failing, new Map());
    expect(r.rootCause).toMatchObject({ service: 'payments', reason: 'error' });
    expect(errorChain(failing).map((c) => `${c.service}: ${c.error}`)).toEqual([
      'payments: TypeError: x is undefined',
      'orders: HTTP 500',
      'gateway: HTTP 502',
    ]);
  });

  it('a trace without anything slow or failing has no root cause', () => {
    const r = traceRootCause('t3', [s('g', '', 'gateway', 0, 5)], new Map([['gateway', 10]]));
    expect(r.rootCause).toBeNull();
  });
});
