import type { ComparisonPeriod } from '@apo/shared/console';
import { parseTimeRange, type TimeRange } from '../ui/time-picker/time-range.ts';

/** Auto-refresh choices; the URL holds the label so a link says what it does. */
export const REFRESH_INTERVALS = {
  off: null,
  '10s': 10_000,
  '30s': 30_000,
  '1m': 60_000,
  '5m': 300_000,
} as const;
type RefreshInterval = keyof typeof REFRESH_INTERVALS;

/** The view state every page shares: the time range, the comparison period and auto-refresh. */
export interface GlobalSearch extends TimeRange {
  compare: ComparisonPeriod;
  refresh: RefreshInterval;
}

function isRefresh(value: unknown): value is RefreshInterval {
  return typeof value === 'string' && Object.hasOwn(REFRESH_INTERVALS, value);
}

/** Validates raw search values; an unknown value falls back to its default (a bad link still opens). */
export function parseGlobalSearch(raw: Record<string, unknown>): GlobalSearch {
  return {
    ...parseTimeRange(raw),
    compare: raw.compare === 'week' ? 'week' : 'day',
    refresh: isRefresh(raw.refresh) ? raw.refresh : 'off',
  };
}

/** Keys the shell keeps on every link, so moving between views keeps the range and comparison. */
export const GLOBAL_SEARCH_KEYS = ['from', 'to', 'compare', 'refresh'] as const;
