import { clockOf, phaseAt, rateAt, DEFAULT_START_PHASE } from './day-curve.ts';
import { nextRequest, type Memory, type Request } from './scenarios.ts';

/**
 * Open-loop load: arrivals are a Poisson process whose rate follows the day curve, independent of how fast
 * the shop answers (a slow shop gets the same offered load, as real users keep clicking), bounded by a cap
 * on requests in flight so a hung shop cannot make the generator grow without limit.
 */
export interface TrafficOptions {
  target: string;
  rps: number;
  dayMs: number;
  startPhase?: number;
  maxInFlight?: number;
  timeoutMs?: number;
}

interface TrafficStats {
  sent: number;
  skipped: number;
  inFlight: number;
  byStatus: Record<string, number>;
  byScenario: Record<string, number>;
}

export interface Traffic {
  stats(): TrafficStats;
  /** The simulated time of day. */
  clock(): string;
  stop(): Promise<void>;
}

export function startTraffic(options: TrafficOptions): Traffic {
  const started = Date.now();
  const startPhase = options.startPhase ?? DEFAULT_START_PHASE;
  const memory: Memory = { orders: [] };
  const stats: TrafficStats = { sent: 0, skipped: 0, inFlight: 0, byStatus: {}, byScenario: {} };
  const pending = new Set<Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const send = async (request: Request) => {
    stats.sent++;
    stats.byScenario[request.scenario] = (stats.byScenario[request.scenario] ?? 0) + 1;
    let status: string;
    try {
      const res = await fetch(new URL(request.path, options.target), {
        method: request.method,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'demo-shop-traffic/1.0',
          ...(request.userId === undefined ? {} : { 'x-user-id': request.userId }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      status = String(res.status);
      const body = (await res.json().catch(() => undefined)) as { orderId?: string } | undefined;
      if (request.scenario === 'checkout' && res.status === 201 && body?.orderId !== undefined) {
        memory.orders.push({ orderId: body.orderId, userId: request.userId! });
        if (memory.orders.length > 500) memory.orders.shift();
      }
    } catch (error) {
      status = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
    }
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  };

  const schedule = () => {
    if (stopped) return;
    const rate = Math.max(
      0.01,
      rateAt(options.rps, phaseAt(Date.now() - started, options.dayMs, startPhase)),
    );
    // Exponential inter-arrival times: a Poisson process at the current rate.
    const waitMs = (-Math.log(1 - Math.random()) / rate) * 1000;
    timer = setTimeout(() => {
      if (stats.inFlight >= (options.maxInFlight ?? 64)) {
        stats.skipped++;
      } else {
        stats.inFlight++;
        const p = send(nextRequest(memory)).finally(() => {
          stats.inFlight--;
          pending.delete(p);
        });
        pending.add(p);
      }
      schedule();
    }, waitMs);
  };
  schedule();

  return {
    stats: () => ({ ...stats, byStatus: { ...stats.byStatus }, byScenario: { ...stats.byScenario } }),
    clock: () => clockOf(phaseAt(Date.now() - started, options.dayMs, startPhase)),
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...pending]);
    },
  };
}
