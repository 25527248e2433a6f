/**
 * Scrapes configured Prometheus /metrics targets into OTLP: one ResourceMetrics per target (service.name =
 * job, service.instance.id = host:port), holding the target's metrics and its scrape health
 * (`apo_scrape_up`, `apo_scrape_duration_seconds`, `apo_scrape_samples_scraped`, `apo_scrape_invalid_lines`).
 * A failed scrape yields the health metrics alone, with up = 0. Nothing here rejects or throws after
 * construction.
 */
import type { InstrumentationScope, Metric, ResourceMetrics } from '@apo/shared/model';
import { performance } from 'node:perf_hooks';
import { CounterStarts } from '../host/counter-starts.ts';
import { attributes, MetricSet } from '../host/metric-set.ts';
import { familiesToMetrics } from './exposition-metrics.ts';
import { parseExposition } from './exposition-parser.ts';
import { fetchExposition } from './scrape-client.ts';

const PROMETHEUS_SCOPE: InstrumentationScope = {
  name: 'apo.agent.prometheus',
  version: '',
  attributes: attributes(),
  droppedAttributesCount: 0,
};

const DEFAULT_SCRAPE_INTERVAL_SECONDS = 15;

export interface ScrapeTarget {
  /** http(s)://host:port/metrics */
  url: string;
  job: string;
  intervalSeconds?: number;
}

export interface PrometheusScraperOptions {
  /** Per-scrape deadline; default 10 s, and never longer than the target's interval. */
  timeoutSeconds?: number;
  /** Bound on a (decompressed) response body; default 64 MiB. */
  maxBodyBytes?: number;
  userAgent?: string;
  now?: () => bigint;
}

export interface ScrapeReport {
  url: string;
  job: string;
  up: boolean;
  timeUnixNano: bigint;
  durationSeconds: number;
  samples: number;
  /** Lines (and histogram/summary series) skipped as invalid. */
  invalidLines: number;
  /** The first invalid line's problem, or why the scrape failed. */
  firstError: string | undefined;
}

export interface PrometheusScraper {
  /**
   * Scrapes every target once, concurrently. Use either this (driven by the caller) or `start`, not both on
   * one scraper: they share each target's counter start-time state.
   */
  scrape(): Promise<ResourceMetrics[]>;
  /**
   * Scrapes each target on its own interval (the first at once) until stopped; `onScrape` gets every
   * result. An exception from `onScrape` becomes a process warning and the loop goes on.
   */
  start(onScrape: (metrics: ResourceMetrics, report: ScrapeReport) => void): { stop(): Promise<void> };
  /** The latest report per target, in target order (undefined before its first scrape). */
  lastReports(): readonly (ScrapeReport | undefined)[];
}

interface TargetState {
  target: ScrapeTarget;
  url: URL;
  resource: ResourceMetrics['resource'];
  starts: CounterStarts;
  healthStarts: CounterStarts;
  intervalSeconds: number;
  last: ScrapeReport | undefined;
}

const UP = {
  name: 'apo_scrape_up',
  unit: '',
  description: '1 if the target was scraped and parsed, 0 if not.',
};
const DURATION = { name: 'apo_scrape_duration_seconds', unit: 's', description: 'Duration of the scrape.' };
const SAMPLES = {
  name: 'apo_scrape_samples_scraped',
  unit: '{sample}',
  description: 'Samples the target exposed.',
};
const INVALID = {
  name: 'apo_scrape_invalid_lines',
  unit: '{line}',
  description: 'Exposition lines (and histogram or summary series) skipped as invalid in the scrape.',
};

function targetState(target: ScrapeTarget): TargetState {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new Error(`invalid scrape target URL ${JSON.stringify(target.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`scrape target ${JSON.stringify(target.url)} is not http(s)`);
  }
  if (target.job.trim() === '')
    throw new Error(`scrape target ${JSON.stringify(target.url)} has no job name`);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const host = url.hostname;
  return {
    target,
    url,
    resource: {
      attributes: attributes({
        'service.name': target.job,
        'service.instance.id': `${host.includes(':') ? `[${host}]` : host}:${port}`,
        'server.address': host,
        'server.port': BigInt(port),
        'url.scheme': url.protocol.slice(0, -1),
      }),
      droppedAttributesCount: 0,
    },
    starts: new CounterStarts(),
    healthStarts: new CounterStarts(),
    intervalSeconds: target.intervalSeconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS,
    last: undefined,
  };
}

export function createPrometheusScraper(
  targets: readonly ScrapeTarget[],
  options: PrometheusScraperOptions = {},
): PrometheusScraper {
  const states = targets.map(targetState);
  const now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const userAgent = options.userAgent ?? 'apo-agent';

  async function scrapeOne(state: TargetState): Promise<{ metrics: ResourceMetrics; report: ScrapeReport }> {
    const time = now();
    const began = performance.now();
    const timeoutMs = Math.round(Math.min(options.timeoutSeconds ?? 10, state.intervalSeconds) * 1000);
    let metrics: Metric[] = [];
    let report: ScrapeReport;
    const base = { url: state.target.url, job: state.target.job, timeUnixNano: time };
    try {
      const fetched = await fetchExposition(state.url, { timeoutMs, maxBodyBytes, userAgent });
      if (!fetched.ok) {
        report = {
          ...base,
          up: false,
          durationSeconds: 0,
          samples: 0,
          invalidLines: 0,
          firstError: fetched.error,
        };
      } else {
        const format = /application\/openmetrics-text/i.test(fetched.contentType) ? 'openmetrics' : 'text';
        const parsed = parseExposition(fetched.body, format);
        const converted = familiesToMetrics(parsed.families, { now: time, starts: state.starts });
        state.starts.endCycle();
        metrics = converted.metrics;
        report = {
          ...base,
          up: true,
          durationSeconds: 0,
          samples: parsed.samples,
          invalidLines: parsed.invalidLines + converted.invalidSeries,
          firstError: parsed.firstError ?? converted.firstError,
        };
      }
    } catch (error) {
      // Only a bug gets here; the target reads as down with the reason rather than breaking the agent.
      const message = error instanceof Error ? error.message : String(error);
      report = { ...base, up: false, durationSeconds: 0, samples: 0, invalidLines: 0, firstError: message };
    }
    report.durationSeconds = (performance.now() - began) / 1000;
    state.last = report;
    const health = new MetricSet(time, state.healthStarts);
    health.gauge(UP, report.up ? 1 : 0);
    health.gauge(DURATION, report.durationSeconds);
    health.gauge(SAMPLES, report.samples);
    health.gauge(INVALID, report.invalidLines);
    return {
      metrics: {
        resource: state.resource,
        scopeMetrics: [
          { scope: PROMETHEUS_SCOPE, metrics: [...metrics, ...health.metrics()], schemaUrl: '' },
        ],
        schemaUrl: '',
      },
      report,
    };
  }

  return {
    async scrape() {
      const results = await Promise.all(states.map(scrapeOne));
      return results.map((r) => r.metrics);
    },

    start(onScrape) {
      let stopped = false;
      const timers = new Set<NodeJS.Timeout>();
      const inFlight = new Set<Promise<void>>();
      for (const state of states) {
        const intervalMs = state.intervalSeconds * 1000;
        let due = performance.now();
        const run = (): void => {
          if (stopped) return;
          const scrape = scrapeOne(state).then(({ metrics, report }) => {
            if (stopped) return;
            try {
              onScrape(metrics, report);
            } catch (error) {
              // The loop must go on; the callback's bug is made visible, not fatal.
              process.emitWarning(`prometheus scrape callback threw: ${String(error)}`);
            }
          });
          inFlight.add(scrape);
          void scrape.finally(() => {
            inFlight.delete(scrape);
            if (stopped) return;
            // The next scrape keeps to the grid of the interval; a scrape that overran skips the missed slots.
            due += intervalMs;
            const at = performance.now();
            if (due < at) due += Math.ceil((at - due) / intervalMs) * intervalMs;
            const timer = setTimeout(() => {
              timers.delete(timer);
              run();
            }, due - at);
            timer.unref();
            timers.add(timer);
          });
        };
        run();
      }
      return {
        async stop() {
          stopped = true;
          for (const timer of timers) clearTimeout(timer);
          timers.clear();
          await Promise.all([...inFlight]);
        },
      };
    },

    lastReports: () => states.map((s) => s.last),
  };
}
