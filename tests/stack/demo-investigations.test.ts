/**
 * The investigation engine on the live demo shop (issue 17's stack test): the shop's seven services with the
 * preload → apo-agent (every span kept, RED flushed every second) → apo-server, real processes. After enough
 * baseline traffic for the engine's onset detection, a window without a fault must yield no hypothesis above
 * 0.5; then two different faults, one after the other, on two different services, each injected with the
 * fault CLI as a user types it: `investigations.run` must name the injected service and kind first for each,
 * within the issue's two minutes plus slack for a shared CI machine. Every poll's top three is printed, so a
 * failure explains itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../apps/server/test/support/api-client.ts';
import { eventually } from './support/agent-process.ts';
import { quantile } from './support/demo-signals.ts';
import { startDemoStack, type DemoStack } from './support/demo-stack.ts';
import type { Hypothesis, InvestigationResult } from '../../packages/shared/src/console/index.ts';

const MINUTE_MS = 60_000;
/**
 * Twice the stack support's default: a tenth of the shop's requests are checkouts, the only path through
 * payments and fraud, so each of their minutes holds ~24 requests and a minute's average is not one request's.
 */
const RPS = 4;
/** The engine's onset detection needs five minutes with data before an onset (docs/investigations.md, "Onset"). */
const BASELINE_MINUTES = 5;
/** The issue's target is a correct answer within two minutes of a fault's start; one more for a shared CI machine. */
const NAMED_WITHIN_MS = 3 * MINUTE_MS;
/** An investigation reads every service's minutes of 30+ minutes: polled every few seconds, not 4× a second. */
const POLL_MS = 5_000;
/** The agent flushes RED every second: a minute is complete in storage this long after it ended. */
const FLUSH_MS = 3_000;
/** The services whose curves the faults move first, and the entry service every request passes. */
const WATCHED = ['gateway', 'payments', 'fraud'] as const;

type Red = Awaited<ReturnType<ApiClient['services']['red']['query']>>[number];

/** The complete minutes of a service's RED that started at or after `from` and have requests. */
async function completeMinutes(api: ApiClient, service: string, from: number): Promise<Red[]> {
  const now = Date.now();
  const points = await api.services.red.query({ service, from, to: now, step: 60 });
  return points.filter((p) => p.t >= from && p.t + MINUTE_MS + FLUSH_MS <= now && p.count > 0);
}

const describeHypothesis = (h: Hypothesis) =>
  `${h.kind}@${h.service}${h.target === undefined ? '' : `→${h.target}`} ${h.confidence.toFixed(2)}`;
const top3 = (r: InvestigationResult) =>
  r.hypotheses.length === 0 ? 'nothing' : r.hypotheses.slice(0, 3).map(describeHypothesis).join(', ');

describe('investigations.run on the live demo shop: no fault, then two faults one after the other', () => {
  let stack: DemoStack;
  let trafficFrom: number;
  /** Per watched service, its median per-minute average latency before any fault (ms). */
  const baselineMs = new Map<string, number>();

  beforeAll(async () => {
    trafficFrom = Date.now();
    stack = await startDemoStack({ rps: RPS });
  }, 180_000);
  afterAll(async () => {
    await (stack as DemoStack | undefined)?.dispose();
  });

  /**
   * Polls `investigations.run` until its first hypothesis is `kind` on `service`, printing each poll's top
   * three. The window is the one an on-call engineer picks, "from just before it broke to now": a minute
   * before the injection, so the onset lies inside it. The engine reads 30 minutes in front of `from` as
   * the baseline, so the traffic before the injection — the earlier fault and its recovery included — is
   * the history the new fault is compared with, not something the window hides.
   */
  async function untilNamed(service: string, kind: string, injectedAt: number): Promise<Hypothesis> {
    const polls: string[] = [];
    const deadline = injectedAt + NAMED_WITHIN_MS;
    for (;;) {
      const result = await stack.api.investigations.run.query({
        from: injectedAt - MINUTE_MS,
        to: Date.now(),
      });
      const seconds = (ms: number) => `${Math.round((ms - injectedAt) / 1000)} s`;
      const onset = result.onsetMs === null ? 'none' : seconds(result.onsetMs);
      const line = `+${seconds(Date.now())} (onset ${onset}): ${top3(result)}`;
      polls.push(line);
      console.log(`[${kind}@${service}] ${line}`);
      const top = result.hypotheses[0];
      if (top?.service === service && top.kind === kind) return top;
      if (Date.now() > deadline)
        throw new Error(
          `${kind}@${service} was not named first within ${NAMED_WITHIN_MS / 1000} s of the injection; polls:\n${polls.join('\n')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Waits for a whole minute, started after the clear, in which each watched service is back at its baseline latency. */
  async function recovered(cleared: number, what: string): Promise<void> {
    await eventually(
      async () => {
        for (const service of WATCHED) {
          const last = (await completeMinutes(stack.api, service, cleared)).at(-1);
          const base = baselineMs.get(service) ?? 0;
          // Back means what the onset detection would not call a rise: under +30 % or +10 ms.
          if (last?.avg === null || last?.avg === undefined) return undefined;
          if (last.avg > Math.max(base * 1.3, base + 10)) return undefined;
        }
        return true;
      },
      3 * MINUTE_MS,
      `${what}: a whole minute at baseline latency for ${WATCHED.join(', ')}`,
      2_000,
    );
  }

  it(
    'baseline traffic, then a window without a fault: no hypothesis above 0.5',
    async () => {
      const { api } = stack;
      // The current minute becomes the first one a fault can start in once five complete minutes with
      // requests precede it (the first one partly: traffic starts within it, as the engine counts it too).
      const firstMinute = Math.floor(trafficFrom / MINUTE_MS) * MINUTE_MS;
      const history = await eventually(
        async () => {
          const minutes = await Promise.all(WATCHED.map((s) => completeMinutes(api, s, firstMinute)));
          return minutes.every((m) => m.length >= BASELINE_MINUTES) ? minutes : undefined;
        },
        (BASELINE_MINUTES + 3) * MINUTE_MS,
        `${BASELINE_MINUTES} complete minutes of traffic through ${WATCHED.join(', ')}`,
        5_000,
      );
      WATCHED.forEach((service, i) => {
        const avgs = (history[i] ?? []).flatMap((p) => (p.avg === null ? [] : [p.avg]));
        baselineMs.set(service, quantile(avgs, 0.5));
      });
      console.log(
        `baseline latency (median of minute averages): ${[...baselineMs].map(([s, ms]) => `${s} ${ms.toFixed(1)} ms`).join(', ')}`,
      );

      // The whole life of the stack, asked both ways: about everything, and about the entry service.
      for (const service of [undefined, 'gateway']) {
        const quiet = await api.investigations.run.query({ from: trafficFrom, to: Date.now(), service });
        console.log(`[no fault${service === undefined ? '' : `, ${service}`}] ${top3(quiet)}`);
        expect(
          quiet.hypotheses.filter((h) => h.confidence > 0.5).map(describeHypothesis),
          `no-fault window${service === undefined ? '' : ` about ${service}`}: hypotheses above 0.5`,
        ).toEqual([]);
      }
    },
    10 * MINUTE_MS,
  );

  it(
    'db-slow in payments: database-latency on payments comes first',
    async () => {
      expect(await stack.fault('payments', 'db-slow', '--ms', '200')).toContain(
        'injected into payments: db-slow ms=200',
      );
      const injected = Date.now();
      const top = await untilNamed('payments', 'database-latency', injected);
      expect(top).toMatchObject({ rank: 1, service: 'payments', kind: 'database-latency' });
      expect(top.confidence).toBeGreaterThan(0.5);
      expect(top.target).toContain('payments');

      expect(await stack.fault('--clear', 'payments')).toContain('payments: cleared db-slow');
      await recovered(Date.now(), 'after db-slow');
    },
    8 * MINUTE_MS,
  );

  it(
    'then cpu in fraud: cpu-saturation on fraud comes first, not the earlier fault',
    async () => {
      expect(await stack.fault('fraud', 'cpu', '--ms', '120')).toContain('injected into fraud: cpu ms=120');
      const injected = Date.now();
      const top = await untilNamed('fraud', 'cpu-saturation', injected);
      expect(top).toMatchObject({ rank: 1, service: 'fraud', kind: 'cpu-saturation' });
      expect(top.confidence).toBeGreaterThan(0.5);
      expect(top.instance).toBeTruthy();

      expect(await stack.fault('--clear', 'fraud')).toContain('fraud: cleared cpu');
    },
    5 * MINUTE_MS,
  );
});
