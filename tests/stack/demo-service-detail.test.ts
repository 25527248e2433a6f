/**
 * The service detail API on the live demo stack (demo shop → agent → server, real processes, every span
 * kept): with `pnpm demo:fault payments db-slow` injected, payments' detail shows its database latency
 * change (`services.calls`) and its delay source moving towards "dependency" (`services.delaySource`)
 * within two minutes, while the traffic the shop generates keeps flowing. Every wait polls the condition
 * with a deadline; thresholds derive from the injected delay, not from how fast this machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/agent-process.ts';
import { since } from './support/demo-signals.ts';
import { startDemoStack, type DemoStack } from './support/demo-stack.ts';

/** Injected per statement: long against the shop's sub-millisecond sqlite statements. */
const MS = 150;
const CHARGES = 'POST /charges';
/** The console's own bound for "within two minutes". */
const DEADLINE_MS = 120_000;

describe('demo shop, payments db-slow → the service detail page’s figures', () => {
  let stack: DemoStack;

  beforeAll(async () => {
    stack = await startDemoStack();
  }, 180_000);
  afterAll(async () => {
    await (stack as DemoStack | undefined)?.dispose();
  });

  it('shows the slower sqlite statements and a larger dependency share of payments’ charges', async () => {
    const { api } = stack;
    const start = Date.now();
    // Before: charges have been served (stored spans and 100 % call rollups), statements are fast.
    const before = await eventually(
      async () => {
        const window = since(start - 60_000);
        const source = (
          await api.services.delaySource.query({ service: 'payments', ...window })
        ).endpoints.find((e) => e.endpoint === CHARGES);
        const db = (await api.services.calls.query({ service: 'payments', ...window })).calls.filter(
          (c) => c.callType === 'db',
        );
        return source?.dependencyShare != null && source.sampledRequests >= 3 && db.length > 0
          ? { share: source.dependencyShare, dbAvg: Math.max(...db.map((c) => c.now.avgMs ?? 0)) }
          : undefined;
      },
      DEADLINE_MS,
      'charges of payments with stored traces and DB-call figures',
    );
    expect(before.dbAvg).toBeLessThan(MS / 4);

    expect(await stack.fault('payments', 'db-slow', '--ms', String(MS))).toContain(
      `injected into payments: db-slow ms=${MS}`,
    );
    const fault = Date.now();
    // The call rollups are per minute: read them from the first whole minute of the fault.
    const faultMinute = Math.ceil(fault / 60_000) * 60_000;
    try {
      const after = await eventually(
        async () => {
          const window = since(fault);
          if (Date.now() < faultMinute + 5_000) return undefined;
          const calls = (await api.services.calls.query({ service: 'payments', ...since(faultMinute) }))
            .calls;
          const slow = calls.find((c) => c.callType === 'db' && (c.now.avgMs ?? 0) >= MS * 0.9);
          const source = (
            await api.services.delaySource.query({ service: 'payments', ...window })
          ).endpoints.find((e) => e.endpoint === CHARGES);
          return slow !== undefined && source?.verdict === 'dependency' && source.sampledRequests >= 3
            ? { slow, source }
            : undefined;
        },
        DEADLINE_MS,
        `payments' sqlite calls ≥ ${MS * 0.9} ms on average and its charges' delay source "dependency"`,
      );
      // The statements slowed by about the injected delay; the charges now wait mostly on them.
      expect(after.slow.system).toBe('sqlite');
      expect(after.slow.now.avgMs! - before.dbAvg).toBeGreaterThanOrEqual(MS * 0.9);
      expect(after.source.dependencyShare!).toBeGreaterThan(0.5);
      expect(after.source.dependencyShare!).toBeGreaterThan(before.share);
    } finally {
      await stack.fault('--clear', 'payments');
    }
  }, 420_000);
});
