/** Metric points: gauges, sums and histograms per service. */
import type {
  Attributes,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
} from '../../packages/shared/src/model/index.ts';
import { Rng, attrs, SERVICES, ROUTES, METHODS, resourceFor, scope, MS } from './common.ts';

export interface MetricWorkloadOptions {
  /** Metrics per service; each has `pointsPerMetric` points (one per attribute combination). */
  metricsPerService?: number;
  pointsPerMetric?: number;
  services?: number;
  seed?: number;
  startNs?: bigint;
}

const BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

export function generateMetrics(opts: MetricWorkloadOptions = {}): MetricsData {
  const {
    metricsPerService = 12,
    pointsPerMetric = 8,
    services = 4,
    seed = 11,
    startNs = 1_750_000_000_000_000_000n,
  } = opts;
  const rng = new Rng(seed);
  const now = startNs + 60_000n * MS;
  const pointAttributes = (p: number): Attributes =>
    attrs([
      ['http.request.method', METHODS[p % METHODS.length]!],
      ['http.route', ROUTES[p % ROUTES.length]!],
      ['http.response.status_code', p % 5 === 0 ? 500n : 200n],
    ]);
  const numberPoint = (p: number, value: number | bigint): NumberDataPoint => ({
    attributes: pointAttributes(p),
    startTimeUnixNano: startNs,
    timeUnixNano: now,
    flags: 0,
    value,
    exemplars: [],
  });
  const histogramPoint = (p: number): HistogramDataPoint => {
    const bucketCounts = [...BOUNDS, Infinity].map(() => BigInt(rng.int(500)));
    return {
      attributes: pointAttributes(p),
      startTimeUnixNano: startNs,
      timeUnixNano: now,
      flags: 0,
      count: bucketCounts.reduce((a, b) => a + b, 0n),
      sum: rng.next() * 1e6,
      bucketCounts,
      explicitBounds: BOUNDS,
      exemplars: [],
      min: rng.next() * 2,
      max: 5000 + rng.next() * 5000,
    };
  };
  /** A third each of gauges (memory), monotonic sums (request counts) and histograms (durations). */
  const metric = (m: number): Metric => {
    const points = Array.from({ length: pointsPerMetric }, (_, p) => p);
    const base = { description: '', metadata: attrs([]) };
    if (m % 3 === 0) {
      const data: MetricData = {
        type: 'gauge',
        points: points.map((p) => numberPoint(p, BigInt(50_000_000 + rng.int(10_000_000)))),
      };
      return { ...base, name: `process.memory.usage.${m}`, unit: 'By', data };
    }
    if (m % 3 === 1) {
      const data: MetricData = {
        type: 'sum',
        aggregationTemporality: 2,
        isMonotonic: true,
        points: points.map((p) => numberPoint(p, BigInt(rng.int(100000)))),
      };
      return { ...base, name: `http.server.request.count.${m}`, unit: '{request}', data };
    }
    const data: MetricData = {
      type: 'histogram',
      aggregationTemporality: 2,
      points: points.map(histogramPoint),
    };
    return { ...base, name: `http.server.request.duration.${m}`, unit: 'ms', data };
  };
  return {
    resourceMetrics: Array.from({ length: services }, (_, i) => ({
      resource: resourceFor(rng, SERVICES[i % SERVICES.length]!, i),
      scopeMetrics: [
        {
          scope: scope('@opentelemetry/sdk-metrics', '2.0.1'),
          metrics: Array.from({ length: metricsPerService }, (_, m) => metric(m)),
          schemaUrl: '',
        },
      ],
      schemaUrl: '',
    })),
  };
}
