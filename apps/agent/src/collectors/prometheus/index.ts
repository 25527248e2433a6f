export { createPrometheusScraper } from './prometheus-scraper.ts';
