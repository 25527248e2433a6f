export {
  createProcessTracker,
  PROCESS_SCOPE,
  type ProcessCollection,
  type ProcessTracker,
  type ProcessTrackerOptions,
} from './process-tracker.ts';
export { PROCESS_EVENT_NAMES } from './change-events.ts';
export { PROCESS_METRIC_NAMES } from './process-metrics.ts';
