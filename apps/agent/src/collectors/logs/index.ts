export { createLogCollector } from './log-collector.ts';
export { type LogCollectorStats } from './log-collector-api.ts';
export { logSourcesSchema } from './log-source-config.ts';
