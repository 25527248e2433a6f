/**
 * The duration scatter by keyboard (trace-scatter.tsx): which trace a key moves to from the focused one,
 * and how a trace is read out. Left / right walk the traces in time order, up / down in duration order
 * (the next slower / faster), Home / End go to the first / last in time, Escape leaves the points.
 */
import { formatExactTime } from '../../ui/format/time.ts';
import { formatValue } from '../../ui/format/units.ts';

export interface ScatterPoint {
  traceId: string;
  startMs: number;
  durationMs: number;
  errors: number;
  /** The root span's "service: operation". */
  root: string;
}

const byTime = (a: ScatterPoint, b: ScatterPoint) =>
  a.startMs - b.startMs || a.durationMs - b.durationMs || a.traceId.localeCompare(b.traceId);
const byDuration = (a: ScatterPoint, b: ScatterPoint) =>
  a.durationMs - b.durationMs || a.startMs - b.startMs || a.traceId.localeCompare(b.traceId);

/** The two walking orders of a set of points, sorted once per answer. */
interface ScatterOrders {
  time: ScatterPoint[];
  duration: ScatterPoint[];
}

export function scatterOrders(points: readonly ScatterPoint[]): ScatterOrders {
  return { time: [...points].sort(byTime), duration: [...points].sort(byDuration) };
}

/**
 * The trace id a key moves to from `current` (null: no point focused yet; the first key lands on the
 * first trace in time, End on the last). Null for Escape; undefined when the key is not a move.
 */
export function movedTo(
  orders: ScatterOrders,
  current: string | null,
  key: string,
): string | null | undefined {
  const { time, duration } = orders;
  if (key === 'Escape') return null;
  const step: Record<string, [ScatterPoint[], number] | undefined> = {
    ArrowRight: [time, 1],
    ArrowLeft: [time, -1],
    ArrowUp: [duration, 1],
    ArrowDown: [duration, -1],
  };
  if (key === 'Home') return time[0]?.traceId;
  if (key === 'End') return time[time.length - 1]?.traceId;
  const move = step[key];
  if (move === undefined) return undefined;
  const [order, by] = move;
  const at = current === null ? -1 : order.findIndex((p) => p.traceId === current);
  if (at < 0) return time[0]?.traceId;
  return order[Math.min(order.length - 1, Math.max(0, at + by))]?.traceId;
}

/** A trace as read out: what it is, how long it took, when, and whether it failed. */
export function describePoint(p: ScatterPoint, timeZone?: string): string {
  const failed = p.errors === 0 ? 'no errors' : `${p.errors} ${p.errors === 1 ? 'error' : 'errors'}`;
  return `${p.root}, ${formatValue(p.durationMs, 'ms')}, started ${formatExactTime(p.startMs, timeZone)}, ${failed}`;
}
