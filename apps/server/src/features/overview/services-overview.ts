/**
 * `overview.services`: one row per service, RED compared with a day and a week earlier, log errors, last
 * restart / version change and APO's health score (PRODUCT.md §2.1), in the shape of
 * packages/shared/src/console/overview.ts. A service's endpoints are `overview.endpoints`
 * (endpoints-overview.ts), asked for when its row is expanded. The SQL is in overview-queries.ts; this file
 * runs the call's reads as ONE statement (readTogether: the RED fingerprints and running minutes, log
 * errors, last changes, namespaces; chDB runs statements one at a time and each costs ~5–10 ms however
 * little it reads), then the RED hours that are new or changed if any (overview-red.ts), and joins them.
 */
import { byMostDegraded, DEFAULT_HEALTH_THRESHOLDS } from '@apo/shared/console';
import type {
  ComparisonPeriod,
  HealthThresholds,
  ServiceOverview,
  ServicesOverview,
} from '@apo/shared/console';
import { readTogether } from '../../storage/index.ts';
import type { ReadTogether, Storage } from '../../storage/index.ts';
import { compared, health, redOverview, requestsNow } from './overview-figures.ts';
import { coveredMinutes, PERIODS, planSparkline, shifted } from './overview-plan.ts';
import {
  lastChangesPart,
  logErrorsPart,
  namespacesPart,
  redCellsPart,
  SEEN_LOOKBACK_S,
  servicesWithEndpointPart,
} from './overview-queries.ts';
import { serviceRed } from './overview-red.ts';
import { planServiceRed } from './overview-red-plan.ts';

export interface OverviewInput {
  from: number;
  to: number;
  cluster?: string | undefined;
  compareWith: ComparisonPeriod;
  namespace?: string | undefined;
  /** Case-insensitive text in the service's or one of its endpoints' names. */
  search?: string | undefined;
  thresholds?: HealthThresholds | undefined;
}

export interface OverviewOptions {
  /** false reads minutes only (the tests compare both ways); by default whole hours come from the projections. */
  useHours?: boolean;
  /** Filled with each read's time (ms, from the call's start to its rows decoded), for the benchmark. */
  timings?: Record<string, number>;
  /** The clock (ms) that says which hours have ended; Date.now() by default. */
  nowMs?: number;
  /**
   * A statement the caller runs, with reads of its own: the overview's reads join it (registered when this
   * is called) instead of costing a statement of their own (the service map's node health).
   */
  statement?: ReadTogether;
}

/** `promise`, its time recorded under `name` when `timings` is given. */
export function timed<T>(
  timings: Record<string, number> | undefined,
  name: string,
  p: Promise<T>,
): Promise<T> {
  if (timings === undefined) return p;
  const t0 = performance.now();
  return p.then((v) => {
    timings[name] = performance.now() - t0;
    return v;
  });
}

export async function servicesOverview(
  storage: Storage,
  input: OverviewInput,
  options: OverviewOptions = {},
): Promise<ServicesOverview> {
  const thresholds = input.thresholds ?? DEFAULT_HEALTH_THRESHOLDS;
  const range = coveredMinutes(input.from, input.to);
  const filter = { cluster: input.cluster };
  const seenRange = { fromS: Math.min(range.fromS, range.toS - SEEN_LOOKBACK_S), toS: range.toS };
  const search = input.search?.trim() ?? '';
  const plan = planSparkline(range);
  const read = { useHours: options.useHours };
  const t0 = performance.now();
  const mark = (name: string) => {
    if (options.timings !== undefined) options.timings[name] = performance.now() - t0;
  };
  const redInput = { range, plan, seenRange, cluster: input.cluster, useHours: options.useHours !== false };
  const redPlan = planServiceRed(redInput, (options.nowMs ?? Date.now()) / 1000);

  const statement = options.statement ?? readTogether(storage);
  const redPart = redCellsPart(storage, redPlan.read);
  const searchPart =
    search === '' ? undefined : servicesWithEndpointPart(storage, range, filter, search, read);
  const [redRows, endpointMatches, logRows, changeRows, namespaceRows] = await Promise.all([
    redPart === undefined ? [] : statement.read(redPart),
    searchPart === undefined ? [] : statement.read(searchPart),
    statement.read(logErrorsPart(storage, range, filter)),
    statement.read(lastChangesPart(storage, range.toS, filter)),
    statement.read(namespacesPart(storage, range, filter)),
    options.statement === undefined ? statement.run() : undefined,
  ]);
  mark('statement');
  const { subjects, clusters } = await serviceRed(storage, redInput, redPlan, redRows);
  mark('red');

  const namespaceOf = new Map(namespaceRows.map((r) => [r.service, r.k8s_namespace]));
  const withEndpoint = new Set(endpointMatches.map((r) => r.service));
  // As positionCaseInsensitiveUTF8 matches an endpoint's name in the query.
  const matches = (name: string): boolean => name.toLowerCase().includes(search.toLowerCase());

  // The services to list: with requests in the range or seen in the week before its end, in the namespace,
  // and matching the search by name or by one of their endpoints.
  const listed: string[] = [];
  for (const service of new Set([...clusters.keys(), ...subjects.keys()])) {
    if (input.namespace !== undefined && namespaceOf.get(service) !== input.namespace) continue;
    if (requestsNow(subjects.get(service)) === 0 && !clusters.has(service)) continue;
    if (search !== '' && !matches(service) && !withEndpoint.has(service)) continue;
    listed.push(service);
  }

  const logsOf = new Map(logRows.map((r) => [r.service, r.counts]));
  // Logs are kept for fewer days than RED (7 by default): a period that starts before the oldest kept
  // log has no figure rather than 0, or every service with errors today would look 100 % worse.
  const oldestLogS = (Date.now() - storage.retention.logs * 86_400_000) / 1000;
  const logsKept = PERIODS.map((p) => shifted(range, p).fromS >= oldestLogS);
  const changesOf = new Map(changeRows.map((r) => [r.service, r]));

  const services = listed.map((service): ServiceOverview => {
    const subject = subjects.get(service);
    const red = redOverview(subject, plan, range);
    const counts = logsOf.get(service) ?? [0, 0, 0];
    const logErrorsFigure = compared(counts.map((n, p) => (logsKept[p] ? n : null)));
    const changes = changesOf.get(service);
    const versionMs = changes?.version_ms ?? null;
    return {
      service,
      namespace: namespaceOf.get(service) ?? null,
      clusters: clusters.get(service) ?? [],
      active: requestsNow(subject) > 0,
      ...red,
      logErrors: logErrorsFigure,
      lastRestartMs: changes?.restart_ms ?? null,
      lastVersionChange:
        changes === undefined || versionMs === null
          ? null
          : { atMs: versionMs, version: changes.new_version },
      health: health(red, logErrorsFigure, input.compareWith, thresholds),
    };
  });
  // Services silent in the range have nothing to compare; they follow the active ones.
  const degraded = byMostDegraded<ServiceOverview>((s) => s.service);
  services.sort((a, b) => Number(b.active) - Number(a.active) || degraded(a, b));
  mark('assembled');
  return { fromMs: input.from, toMs: input.to, compareWith: input.compareWith, thresholds, services };
}
