/**
 * The services overview ("where does it hurt?"): the shapes the server's `overview.services` (one row per
 * service) and `overview.endpoints` (one service's busiest endpoints) procedures return and the console
 * draws, and APO's health rule (PRODUCT.md §2.1), which both sides apply — the server to sort by "most
 * degraded", the console to explain a colour point by point in its tooltip.
 */

/** The period a figure is compared with: the same range one day or one week earlier. */
export type ComparisonPeriod = 'day' | 'week';

/** A figure over the range and the same figure in the comparison ranges; null where there was no data. */
export interface ComparedFigure {
  value: number | null;
  dayAgo: number | null;
  weekAgo: number | null;
}

/** The RED figures of a service or an endpoint, from the 100 % rollups. */
export interface RedOverview {
  /** Requests per second. */
  throughput: ComparedFigure;
  /** Failed requests ÷ requests, 0…1. */
  errorRate: ComparedFigure;
  /** Milliseconds. */
  latencyAvg: ComparedFigure;
  latencyP95: ComparedFigure;
  latencyP99: ComparedFigure;
  /** Evenly spaced points over the range (`sparkline.stepMs` apart), null where no requests. */
  sparkline: {
    fromMs: number;
    stepMs: number;
    throughput: number[];
    errorRate: (number | null)[];
    latencyP95: (number | null)[];
  };
}

export interface EndpointOverview extends RedOverview {
  endpoint: string;
  health: HealthScore;
}

export interface ServiceOverview extends RedOverview {
  service: string;
  /** From the Kubernetes metadata of its spans; null outside Kubernetes. */
  namespace: string | null;
  clusters: string[];
  /** False for a service seen before the range but silent in it: shown greyed, never dropped. */
  active: boolean;
  /** Error-level log records in the range. */
  logErrors: ComparedFigure;
  /** Last restart and last version change in the events table, ms since the epoch. */
  lastRestartMs: number | null;
  lastVersionChange: { atMs: number; version: string } | null;
  health: HealthScore;
}

/**
 * `overview.endpoints`: one service's busiest endpoints (at most 10), busiest first, asked for when its
 * row is expanded (`overview.services` lists services only, so its answer stays small).
 */
export interface ServiceEndpointsOverview {
  service: string;
  endpoints: EndpointOverview[];
}

export interface ServicesOverview {
  fromMs: number;
  toMs: number;
  compareWith: ComparisonPeriod;
  thresholds: HealthThresholds;
  services: ServiceOverview[];
}

/** The change limits (percent increase vs the comparison period) of APO's score; editable per user or globally. */
export interface HealthThresholds {
  /** A change above this counts as one breached threshold for "most degraded" (APO: 5 %). */
  breachPercent: number;
  /** Latency increase below [3 points, 2 points, 1 point]; above the last, 0 points. */
  latency: [number, number, number];
  errorRate: [number, number, number];
  logErrors: [number, number, number];
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  breachPercent: 5,
  latency: [10, 20, 50],
  errorRate: [5, 10, 20],
  logErrors: [5, 10, 20],
};

export type HealthDimension = 'latency' | 'errorRate' | 'logErrors';
export type HealthLevel = 'ok' | 'warning' | 'critical';

export interface HealthPoint {
  dimension: HealthDimension;
  /** Percent change vs the comparison period; null when either side has no data (scores 3: no evidence). */
  changePercent: number | null;
  points: 0 | 1 | 2 | 3;
  breached: boolean;
}

export interface HealthScore {
  level: HealthLevel;
  /** 0…9: three dimensions, 0–3 points each. */
  total: number;
  points: HealthPoint[];
  /** How many dimensions breached `breachPercent`, then the largest change: the "most degraded" order. */
  breachedCount: number;
  worstChangePercent: number;
}

/** Percent change from `before` to `now`; null without a baseline. From 0 to more is +100 % per unit rate. */
export function changePercent(now: number | null, before: number | null): number | null {
  if (now === null || before === null) return null;
  if (before === 0) return now === 0 ? 0 : 100;
  return ((now - before) / before) * 100;
}

function pointsFor(change: number | null, limits: readonly [number, number, number]): 0 | 1 | 2 | 3 {
  if (change === null || change < limits[0]) return 3;
  if (change < limits[1]) return 2;
  if (change < limits[2]) return 1;
  return 0;
}

/**
 * APO's rule: 0–3 points per dimension from its increase vs the comparison period (only increases hurt).
 * Green at 8–9 points, yellow at 5–7, red below 5, and red whenever one dimension scores 0.
 */
export function scoreHealth(
  changes: Record<HealthDimension, number | null>,
  thresholds: HealthThresholds = DEFAULT_HEALTH_THRESHOLDS,
): HealthScore {
  const dimensions: HealthDimension[] = ['latency', 'errorRate', 'logErrors'];
  const points = dimensions.map((dimension): HealthPoint => {
    const change = changes[dimension];
    return {
      dimension,
      changePercent: change,
      points: pointsFor(change, thresholds[dimension]),
      breached: change !== null && change > thresholds.breachPercent,
    };
  });
  const total = points.reduce((sum, p) => sum + p.points, 0);
  const level: HealthLevel =
    total < 5 || points.some((p) => p.points === 0) ? 'critical' : total < 8 ? 'warning' : 'ok';
  return {
    level,
    total,
    points,
    breachedCount: points.filter((p) => p.breached).length,
    worstChangePercent: Math.max(0, ...points.map((p) => p.changePercent ?? 0)),
  };
}

/** "Most degraded" first: more breached thresholds, then the larger change, then the name. */
export function byMostDegraded<T extends { health: HealthScore }>(name: (row: T) => string) {
  return (a: T, b: T): number =>
    b.health.breachedCount - a.health.breachedCount ||
    b.health.worstChangePercent - a.health.worstChangePercent ||
    name(a).localeCompare(name(b));
}
