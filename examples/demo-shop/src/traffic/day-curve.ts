/**
 * The daily shape of the shop's traffic: quiet at night (lowest at 03:00), busiest in the afternoon
 * (15:00), in a "day" compressed to `dayMs`. `rateAt` averages to `rps` over a day: the peak is about 1.8×
 * the average and the night about 0.2×.
 */
export const DEFAULT_RPS = 3;
export const DEFAULT_DAY_MS = 20 * 60_000;
/** Start at 09:00 so a fresh shop is not in its quietest hours. */
export const DEFAULT_START_PHASE = 0.375;

const NIGHT = 0.1;

/** 0..1 over a day, phase 0 = midnight. */
export function dayShape(phase: number): number {
  return NIGHT + (1 - NIGHT) * (0.5 - 0.5 * Math.cos(2 * Math.PI * (phase - 0.125)));
}

const MEAN_SHAPE = NIGHT + (1 - NIGHT) * 0.5;

export function rateAt(rps: number, phase: number): number {
  return (rps * dayShape(phase)) / MEAN_SHAPE;
}

export function phaseAt(elapsedMs: number, dayMs: number, startPhase = DEFAULT_START_PHASE): number {
  const p = (startPhase + elapsedMs / dayMs) % 1;
  return p < 0 ? p + 1 : p;
}

/** "HH:MM" of a phase, for the generator's summaries. */
export function clockOf(phase: number): string {
  const minutes = Math.floor(phase * 24 * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
