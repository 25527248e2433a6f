export { createHostCollector, HOST_METRICS_SCOPE } from './host-collector.ts';
