import { formatValue } from '../../../ui/format/units.ts';

/** A duration in nanoseconds as the console writes durations (µs below a millisecond). */
export function formatNs(ns: number): string {
  if (ns > 0 && ns < 1e6) return `${Number((ns / 1e3).toPrecision(3))} µs`;
  return formatValue(ns / 1e6, 'ms');
}
