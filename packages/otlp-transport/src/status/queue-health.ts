import type { QueueWriteState } from '../disk-queue/write-condition.ts';
import type { HealthFields } from './status-server.ts';

/**
 * The /healthz fields of a process's disk queues, by name: each one's `writable` and, while it cannot
 * write, why and since when; `status: 'degraded'` (answered 503) while any of them cannot write, since the
 * process then refuses what it is sent.
 */
export function queueHealth(queues: Record<string, QueueWriteState>): HealthFields {
  const fields: HealthFields = {};
  for (const [name, state] of Object.entries(queues)) {
    fields[name] = state.writable ? { writable: true } : { writable: false, reason: state.reason };
    if (!state.writable) fields.status = 'degraded';
  }
  return fields;
}
