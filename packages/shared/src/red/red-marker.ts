/**
 * "RED is computed exactly once per span": the agent aggregates every span it receives and then marks the
 * span's resource; the server aggregates only resources without the mark (spans sent straight from an SDK,
 * or through a Collector that did not pass an agent).
 */
import type { Resource } from '../model/telemetry.ts';
import { RED_COMPUTED_ATTRIBUTE } from './red-schema.ts';

/** True when nobody upstream has aggregated RED from the spans of this resource yet. */
export function spanNeedsRed(resource: Resource): boolean {
  const mark = resource.attributes[RED_COMPUTED_ATTRIBUTE];
  return mark !== true && mark !== 'true';
}

/**
 * Marks a resource as aggregated (in place: the agent owns the decoded batch it forwards). Call it after
 * the aggregator's `add()`, which skips marked resources.
 */
export function markRedComputed(resource: Resource): void {
  resource.attributes[RED_COMPUTED_ATTRIBUTE] = true;
}
