/**
 * The global time range as the URL holds it: relative ends stay relative (`from=now-1h&to=now`) so a shared
 * link or a reload shows the latest data, absolute ends are ms since the epoch (an ISO string is accepted
 * too, for hand-written links). Resolved to ms only when a request is made.
 */
export type TimeEnd = string;

export interface TimeRange {
  from: TimeEnd;
  to: TimeEnd;
}

const DEFAULT_RANGE: TimeRange = { from: 'now-1h', to: 'now' };

export const RELATIVE_PRESETS: readonly { from: string; label: string }[] = [
  { from: 'now-15m', label: 'Last 15 minutes' },
  { from: 'now-1h', label: 'Last 1 hour' },
  { from: 'now-6h', label: 'Last 6 hours' },
  { from: 'now-24h', label: 'Last 24 hours' },
  { from: 'now-7d', label: 'Last 7 days' },
];

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const HOUR_MS = 3_600_000;
const RELATIVE = /^now(?:-(\d{1,6})([smhdw]))?$/;

/** A URL value as TanStack Router hands it over (its JSON parsing turns `1733500000000` into a number). */
export function parseTimeEnd(raw: unknown): TimeEnd | null {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) return String(Math.round(raw));
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (RELATIVE.test(text)) return text;
  if (/^\d{1,15}$/.test(text)) return text;
  const iso = Date.parse(text);
  return Number.isNaN(iso) ? null : String(iso);
}

export function isRelative(end: TimeEnd): boolean {
  return end.startsWith('now');
}

function resolveTimeEnd(end: TimeEnd, nowMs: number): number {
  const match = RELATIVE.exec(end);
  if (match === null) return Number(end);
  const [, amount, unit] = match;
  if (amount === undefined || unit === undefined) return nowMs;
  return nowMs - Number(amount) * (UNIT_MS[unit] ?? 0);
}

/** [fromMs, toMs), never empty: a reversed or empty range falls back to the hour before `to`. */
export function resolveTimeRange(range: TimeRange, nowMs: number): { fromMs: number; toMs: number } {
  const toMs = resolveTimeEnd(range.to, nowMs);
  const fromMs = resolveTimeEnd(range.from, nowMs);
  if (fromMs >= toMs) return { fromMs: toMs - HOUR_MS, toMs };
  return { fromMs, toMs };
}

/** The URL's range from raw search values; anything unreadable falls back to the default, never throws. */
export function parseTimeRange(raw: { from?: unknown; to?: unknown }): TimeRange {
  const from = parseTimeEnd(raw.from);
  const to = parseTimeEnd(raw.to);
  if (from === null || to === null) return DEFAULT_RANGE;
  return { from, to };
}

/** "Last 1 hour", or "Dec 7, 10:00 → 11:30" in the user's zone. */
export function describeTimeRange(range: TimeRange, timeZone?: string): string {
  if (range.to === 'now') {
    const preset = RELATIVE_PRESETS.find((p) => p.from === range.from);
    if (preset !== undefined) return preset.label;
    const match = RELATIVE.exec(range.from);
    if (match?.[1] !== undefined && match[2] !== undefined) return `Last ${match[1]}${match[2]}`;
  }
  const format = new Intl.DateTimeFormat('en-GB', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  const end = (e: TimeEnd) => (isRelative(e) ? e : format.format(Number(e)));
  return `${end(range.from)} → ${end(range.to)}`;
}

/** An end as the URL should carry it: `now-1h` as text, an absolute end as a plain number (no quotes). */
export function urlTimeEnd(end: TimeEnd): string | number {
  return isRelative(end) ? end : Number(end);
}
