import {
  changePercent,
  DEFAULT_HEALTH_THRESHOLDS,
  scoreHealth,
  type ComparedFigure,
  type ServiceOverview,
  type ServicesOverview,
} from '@apo/shared/console';

/**
 * A small, hand-checkable overview for unit tests: `checkout` is degraded (p95 and errors up day over day),
 * `cart` is healthy, `legacy-batch` is inactive.
 */
const FROM = Date.UTC(2026, 11, 7, 11, 0);
const TO = Date.UTC(2026, 11, 7, 12, 0);

function fig(value: number | null, dayAgo: number | null, weekAgo: number | null): ComparedFigure {
  return { value, dayAgo, weekAgo };
}

function service(
  name: string,
  figures: { rps: number; err: ComparedFigure; p95: ComparedFigure; logs: ComparedFigure },
  extra: Partial<ServiceOverview> = {},
): ServiceOverview {
  const health = scoreHealth({
    latency: changePercent(figures.p95.value, figures.p95.dayAgo),
    errorRate: changePercent(figures.err.value, figures.err.dayAgo),
    logErrors: changePercent(figures.logs.value, figures.logs.dayAgo),
  });
  return {
    service: name,
    namespace: 'shop',
    clusters: ['prod-eu'],
    active: true,
    throughput: fig(figures.rps, figures.rps, figures.rps),
    errorRate: figures.err,
    latencyAvg: fig(figures.p95.value === null ? null : figures.p95.value / 2, 20, 20),
    latencyP95: figures.p95,
    latencyP99: fig(figures.p95.value === null ? null : figures.p95.value * 1.5, 60, 60),
    logErrors: figures.logs,
    lastRestartMs: null,
    lastVersionChange: null,
    health,
    sparkline: {
      fromMs: FROM,
      stepMs: 600_000,
      throughput: [1, 2, 3, 2, 1, 2],
      errorRate: [0, 0, 0.1, null, 0, 0],
      latencyP95: [40, 42, 80, null, 41, 40],
    },
    ...extra,
  };
}

export const overviewFixture: ServicesOverview = {
  fromMs: FROM,
  toMs: TO,
  compareWith: 'day',
  thresholds: DEFAULT_HEALTH_THRESHOLDS,
  services: [
    service('cart', {
      rps: 12,
      err: fig(0.01, 0.01, 0.01),
      p95: fig(40, 40, 41),
      logs: fig(2, 2, 2),
    }),
    service(
      'legacy-batch',
      { rps: 0, err: fig(null, null, null), p95: fig(null, null, null), logs: fig(0, 0, 0) },
      { active: false, namespace: 'batch', clusters: ['prod-us'] },
    ),
    service('checkout', {
      rps: 5,
      err: fig(0.05, 0.01, 0.01),
      p95: fig(300, 100, 100),
      logs: fig(30, 10, 10),
    }),
  ],
};
