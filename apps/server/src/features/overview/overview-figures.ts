/**
 * From the overview's query rows to the contract's figures (packages/shared/src/console/overview.ts): a
 * service's or an endpoint's RED compared with a day and a week earlier, its sparkline and its health.
 */
import { changePercent, scoreHealth } from '@apo/shared/console';
import type {
  ComparedFigure,
  ComparisonPeriod,
  HealthScore,
  HealthThresholds,
  RedOverview,
} from '@apo/shared/console';
import { stepOverlapS } from './overview-plan.ts';
import type { SecondsRange, SparklinePlan } from './overview-plan.ts';
import type { CurrentRow, Figures, PastRow } from './overview-queries.ts';

/** Per period (current, day ago, week ago) the figures; undefined without rows. */
type Periods = [Figures | undefined, Figures | undefined, Figures | undefined];

/** What the queries returned for one service or endpoint. */
export interface Subject {
  periods: Periods;
  /** The current range's rows per sparkline step. */
  steps: CurrentRow[];
}

/** The query rows grouped by name (a service's or an endpoint's). */
export function subjectsOf(current: readonly CurrentRow[], past: readonly PastRow[]): Map<string, Subject> {
  const subjects = new Map<string, Subject>();
  const of = (name: string): Subject => {
    let s = subjects.get(name);
    if (s === undefined) subjects.set(name, (s = { periods: [undefined, undefined, undefined], steps: [] }));
    return s;
  };
  for (const row of current) {
    if (row.step === null) of(row.name).periods[0] = row;
    else of(row.name).steps.push(row);
  }
  for (const row of past) {
    if (row.period === 1 || row.period === 2) of(row.name).periods[row.period] = row;
  }
  return subjects;
}

export function requestsNow(s: Subject | undefined): number {
  return s?.periods[0]?.requests ?? 0;
}

export function compared(values: (number | null)[]): ComparedFigure {
  return { value: values[0] ?? null, dayAgo: values[1] ?? null, weekAgo: values[2] ?? null };
}

/**
 * Sparkline points to 4 significant digits: a line a few pixels high cannot show more, and full doubles
 * (0.40833333333333333) made ~2,000 sparklines most of a 3 MB answer.
 */
export function sparklineValue(x: number): number {
  return Number(x.toPrecision(4));
}

function sparklineOf(
  steps: readonly CurrentRow[],
  plan: SparklinePlan,
  range: SecondsRange,
): RedOverview['sparkline'] {
  const throughput = new Array<number>(plan.points).fill(0);
  const errorRate = new Array<number | null>(plan.points).fill(null);
  const latencyP95 = new Array<number | null>(plan.points).fill(null);
  for (const { step, requests, failed, p95 } of steps) {
    if (step === null || step >= plan.points || requests === 0) continue;
    throughput[step] = sparklineValue(requests / stepOverlapS(plan, range, step));
    errorRate[step] = sparklineValue(failed / requests);
    latencyP95[step] = p95 === null ? null : sparklineValue(p95);
  }
  return { fromMs: plan.firstS * 1000, stepMs: plan.stepS * 1000, throughput, errorRate, latencyP95 };
}

export function redOverview(
  subject: Subject | undefined,
  plan: SparklinePlan,
  range: SecondsRange,
): RedOverview {
  const seconds = range.toS - range.fromS;
  const periods = subject?.periods ?? [undefined, undefined, undefined];
  const figure = (value: (x: Figures) => number | null) =>
    compared(periods.map((x) => (x === undefined || x.requests === 0 ? null : value(x))));
  return {
    throughput: figure((x) => x.requests / seconds),
    errorRate: figure((x) => x.failed / x.requests),
    // As summarizeRed computes it.
    latencyAvg: figure((x) => x.sum_ms / x.requests),
    latencyP95: figure((x) => x.p95),
    latencyP99: figure((x) => x.p99),
    sparkline: sparklineOf(subject?.steps ?? [], plan, range),
  };
}

function changeOf(figure: ComparedFigure, period: ComparisonPeriod): number | null {
  return changePercent(figure.value, period === 'day' ? figure.dayAgo : figure.weekAgo);
}

export function health(
  red: RedOverview,
  logs: ComparedFigure | null,
  period: ComparisonPeriod,
  thresholds: HealthThresholds,
): HealthScore {
  return scoreHealth(
    {
      latency: changeOf(red.latencyP95, period),
      errorRate: changeOf(red.errorRate, period),
      logErrors: logs === null ? null : changeOf(logs, period),
    },
    thresholds,
  );
}
