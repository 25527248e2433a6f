import type { SignalType } from '@apo/shared/model';

export const SIGNALS: readonly SignalType[] = ['traces', 'logs', 'metrics'];

/** Batches, items and bytes of some set of records, for one signal. */
interface Tally {
  batches: number;
  items: number;
  bytes: number;
}

export type SignalTallies = Record<SignalType, Tally>;

export function emptyTallies(): SignalTallies {
  return {
    traces: { batches: 0, items: 0, bytes: 0 },
    logs: { batches: 0, items: 0, bytes: 0 },
    metrics: { batches: 0, items: 0, bytes: 0 },
  };
}

export function addTally(
  tallies: SignalTallies,
  signal: SignalType,
  batches: number,
  items: number,
  bytes: number,
): void {
  const t = tallies[signal];
  t.batches += batches;
  t.items += items;
  t.bytes += bytes;
}

/** Adds (sign 1) or subtracts (sign -1) every signal's tally of `from` to `into`. */
export function addTallies(into: SignalTallies, from: SignalTallies, sign: 1 | -1 = 1): void {
  for (const signal of SIGNALS) {
    const t = from[signal];
    addTally(into, signal, sign * t.batches, sign * t.items, sign * t.bytes);
  }
}

export function copyTallies(from: SignalTallies): SignalTallies {
  const copy = emptyTallies();
  addTallies(copy, from);
  return copy;
}

export function talliedBatches(tallies: SignalTallies): number {
  return tallies.traces.batches + tallies.logs.batches + tallies.metrics.batches;
}
