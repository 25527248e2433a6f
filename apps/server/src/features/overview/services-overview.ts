/**
 * `overview.services`: one row per service with its busiest endpoints, RED compared with a day and a week
 * earlier, log errors, last restart / version change and APO's health score (PRODUCT.md §2.1), in the
 * shape of packages/shared/src/console/overview.ts. The SQL is in overview-queries.ts; this file joins
 * the results.
 */
import { byMostDegraded, changePercent, DEFAULT_HEALTH_THRESHOLDS, scoreHealth } from '@apo/shared/console';
import type {
  ComparedFigure,
  ComparisonPeriod,
  EndpointOverview,
  HealthScore,
  HealthThresholds,
  RedOverview,
  ServiceOverview,
  ServicesOverview,
} from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import { coveredMinutes, PERIODS, planSparkline, shifted, stepOverlapS } from './overview-plan.ts';
import type { SecondsRange, SparklinePlan } from './overview-plan.ts';
import {
  figures,
  lastChanges,
  logErrors,
  namespaces,
  SEEN_LOOKBACK_S,
  seenServices,
  sparklines,
} from './overview-queries.ts';
import type { FiguresRow, SparklineRow } from './overview-queries.ts';

export const TOP_ENDPOINTS = 10;

export interface OverviewInput {
  from: number;
  to: number;
  cluster?: string | undefined;
  compareWith: ComparisonPeriod;
  namespace?: string | undefined;
  /** Case-insensitive text in the service's or an endpoint's name. */
  search?: string | undefined;
  thresholds?: HealthThresholds | undefined;
}

export interface OverviewOptions {
  /** false reads minutes only (the tests compare both ways); by default whole hours come from the projection. */
  useHours?: boolean;
}

/** A period's figures (ms), as the query computed them. */
interface Summary {
  count: number;
  errors: number;
  sumMs: number;
  p95: number | null;
  p99: number | null;
}
/** Per period: current, day ago, week ago; undefined without requests. */
type Periods = [Summary | undefined, Summary | undefined, Summary | undefined];
const noPeriods = (): Periods => [undefined, undefined, undefined];

interface ServiceData {
  figures: Periods;
  /** Its busiest endpoints (matching the search), busiest first once sorted. */
  endpoints: Map<string, Periods>;
}

function summaryOf(r: FiguresRow): Summary {
  return { count: Number(r.requests), errors: Number(r.failed), sumMs: r.sum_ms, p95: r.p95, p99: r.p99 };
}

function compared(values: (number | null)[]): ComparedFigure {
  return { value: values[0] ?? null, dayAgo: values[1] ?? null, weekAgo: values[2] ?? null };
}

function redOverview(periods: Periods, seconds: number, sparkline: RedOverview['sparkline']): RedOverview {
  const figure = (value: (x: Summary) => number | null) =>
    compared(periods.map((x) => (x === undefined || x.count === 0 ? null : value(x))));
  return {
    throughput: figure((x) => x.count / seconds),
    errorRate: figure((x) => x.errors / x.count),
    // As summarizeRed computes it.
    latencyAvg: figure((x) => x.sumMs / x.count),
    latencyP95: figure((x) => x.p95),
    latencyP99: figure((x) => x.p99),
    sparkline,
  };
}

function before(figure: ComparedFigure, period: ComparisonPeriod): number | null {
  return period === 'day' ? figure.dayAgo : figure.weekAgo;
}

function changeOf(figure: ComparedFigure, period: ComparisonPeriod): number | null {
  return changePercent(figure.value, before(figure, period));
}

function health(
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

/**
 * Sparkline points to 4 significant digits: a line a few pixels high cannot show more, and full doubles
 * (0.40833333333333333) made ~2,000 sparklines most of a 3 MB answer.
 */
export function sparklineValue(x: number): number {
  return Number(x.toPrecision(4));
}

function sparklineOf(
  row: SparklineRow | undefined,
  plan: SparklinePlan,
  range: SecondsRange,
): RedOverview['sparkline'] {
  const throughput = new Array<number>(plan.points).fill(0);
  const errorRate = new Array<number | null>(plan.points).fill(null);
  const latencyP95 = new Array<number | null>(plan.points).fill(null);
  for (const [i, requests, failed, p95] of row?.points ?? []) {
    const n = Number(requests);
    if (i >= plan.points || n === 0) continue;
    throughput[i] = sparklineValue(n / stepOverlapS(plan, range, i));
    errorRate[i] = sparklineValue(Number(failed) / n);
    latencyP95[i] = p95 === null ? null : sparklineValue(p95);
  }
  return { fromMs: plan.firstS * 1000, stepMs: plan.stepS * 1000, throughput, errorRate, latencyP95 };
}

function requestsNow(periods: Periods): number {
  return periods[0]?.count ?? 0;
}

export async function servicesOverview(
  storage: Storage,
  input: OverviewInput,
  options: OverviewOptions = {},
): Promise<ServicesOverview> {
  const thresholds = input.thresholds ?? DEFAULT_HEALTH_THRESHOLDS;
  const range = coveredMinutes(input.from, input.to);
  const seconds = range.toS - range.fromS;
  const filter = { cluster: input.cluster };
  const seenRange = { fromS: Math.min(range.fromS, range.toS - SEEN_LOOKBACK_S), toS: range.toS };
  const search = input.search?.trim() ?? '';
  const plan = planSparkline(range);
  const query = { top: TOP_ENDPOINTS, search, useHours: options.useHours };
  const [figureRows, lines, seenRows, logRows, changeRows, namespaceRows] = await Promise.all([
    figures(storage, range, filter, query),
    sparklines(storage, range, plan, filter, query),
    seenServices(storage, seenRange, filter),
    logErrors(storage, range, filter),
    lastChanges(storage, range.toS, filter),
    namespaces(storage, range, filter),
  ]);

  const data = new Map<string, ServiceData>();
  for (const row of figureRows) {
    let service = data.get(row.service);
    if (service === undefined)
      data.set(row.service, (service = { figures: noPeriods(), endpoints: new Map() }));
    const period = row.period as 0 | 1 | 2;
    if (row.endpoint === null) {
      service.figures[period] = summaryOf(row);
      continue;
    }
    let endpoint = service.endpoints.get(row.endpoint);
    if (endpoint === undefined) service.endpoints.set(row.endpoint, (endpoint = noPeriods()));
    endpoint[period] = summaryOf(row);
  }
  const clusters = new Map(seenRows.map((r) => [r.service, r.clusters]));
  const namespaceOf = new Map(namespaceRows.map((r) => [r.service, r.namespace]));
  // The same test as the query's positionCaseInsensitiveUTF8 for the service's own name.
  const matches = (name: string): boolean => name.toLowerCase().includes(search.toLowerCase());

  // The services to list: with requests in the range or seen in the week before its end, in the namespace,
  // and matching the search by name or by one of their endpoints (the query returned only those).
  const listed: { service: string; data: ServiceData; endpoints: string[] }[] = [];
  for (const service of new Set([...clusters.keys(), ...data.keys()])) {
    if (input.namespace !== undefined && namespaceOf.get(service) !== input.namespace) continue;
    const d = data.get(service) ?? { figures: noPeriods(), endpoints: new Map<string, Periods>() };
    if (requestsNow(d.figures) === 0 && !clusters.has(service)) continue;
    const endpoints = [...d.endpoints]
      .filter(([, periods]) => requestsNow(periods) > 0)
      .sort((a, b) => requestsNow(b[1]) - requestsNow(a[1]) || (a[0] < b[0] ? -1 : 1))
      .map(([name]) => name);
    if (search !== '' && !matches(service) && endpoints.length === 0) continue;
    listed.push({ service, data: d, endpoints });
  }

  const lineOf = new Map(lines.map((l) => [`${l.service}\n${l.endpoint ?? ''}\n${l.endpoint === null}`, l]));
  const logsOf = new Map(logRows.map((r) => [r.service, r.counts.map(Number)]));
  // Logs are kept for fewer days than RED (7 by default): a period that starts before the oldest kept
  // log has no figure rather than 0, or every service with errors today would look 100 % worse.
  const oldestLogS = (Date.now() - storage.retention.logs * 86_400_000) / 1000;
  const logsKept = PERIODS.map((p) => shifted(range, p).fromS >= oldestLogS);
  const changesOf = new Map(changeRows.map((r) => [r.service, r]));

  const services = listed.map(({ service, data: d, endpoints }): ServiceOverview => {
    const red = redOverview(d.figures, seconds, sparklineOf(lineOf.get(`${service}\n\ntrue`), plan, range));
    const counts = logsOf.get(service) ?? [0, 0, 0];
    const logErrorsFigure = compared(counts.map((n, p) => (logsKept[p] ? n : null)));
    const changes = changesOf.get(service);
    return {
      service,
      namespace: namespaceOf.get(service) ?? null,
      clusters: clusters.get(service) ?? [],
      active: requestsNow(d.figures) > 0,
      ...red,
      logErrors: logErrorsFigure,
      lastRestartMs: changes === undefined || changes.restart_ms === '' ? null : Number(changes.restart_ms),
      lastVersionChange:
        changes === undefined || changes.version_ms === ''
          ? null
          : { atMs: Number(changes.version_ms), version: changes.version },
      health: health(red, logErrorsFigure, input.compareWith, thresholds),
      endpoints: endpoints.map((endpoint): EndpointOverview => {
        const line = lineOf.get(`${service}\n${endpoint}\nfalse`);
        const e = redOverview(d.endpoints.get(endpoint)!, seconds, sparklineOf(line, plan, range));
        return { endpoint, ...e, health: health(e, null, input.compareWith, thresholds) };
      }),
    };
  });
  // Services silent in the range have nothing to compare; they follow the active ones.
  const degraded = byMostDegraded<ServiceOverview>((s) => s.service);
  services.sort((a, b) => Number(b.active) - Number(a.active) || degraded(a, b));
  return { fromMs: input.from, toMs: input.to, compareWith: input.compareWith, thresholds, services };
}
