export { createProcessTracker, type ProcessTracker } from './process-tracker.ts';
