export {
  createHostCollector,
  HOST_COLLECT_INTERVAL_SECONDS,
  HOST_METRICS_SCOPE,
  type HostCollector,
  type HostCollectorOptions,
} from './host-collector.ts';
