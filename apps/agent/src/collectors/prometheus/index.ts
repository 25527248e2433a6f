export {
  createPrometheusScraper,
  DEFAULT_SCRAPE_INTERVAL_SECONDS,
  PROMETHEUS_SCOPE,
  type PrometheusScraper,
  type PrometheusScraperOptions,
  type ScrapeReport,
  type ScrapeTarget,
} from './prometheus-scraper.ts';
export { parseExposition, type Family, type ParseResult } from './exposition-parser.ts';
export { familiesToMetrics } from './exposition-metrics.ts';
