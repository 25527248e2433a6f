import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { REFRESH_INTERVALS, type GlobalSearch } from '../global-search.ts';
import { resolveTimeRange, type TimeRange } from '../../ui/time-picker/time-range.ts';

/** A result with the exact range it was asked for: charts need it for their axis. */
export interface RangeResult<T> {
  result: T;
  fromMs: number;
  toMs: number;
}

/**
 * Query options for a procedure over the global range. The key is the procedure and its input with the
 * range AS THE URL SAYS IT (`now-1h..now`), not resolved to ms: auto-refresh then refetches one query rather
 * than creating one per tick, and after a reload the offline cache finds the same view's last result. The
 * range is resolved against the clock when the request is made. TanStack Query's signal reaches fetch, so
 * leaving a view cancels its requests.
 */
export function rangeQueryOptions<TInput extends object, TData>(options: {
  procedure: string;
  input: TInput;
  view: Pick<GlobalSearch, 'from' | 'to' | 'refresh'>;
  /** Shifts the resolved range back (comparison overlays: a day or a week earlier). */
  shiftMs?: number;
  fetch: (input: TInput & { from: number; to: number }, signal: AbortSignal) => Promise<TData>;
  enabled?: boolean;
}) {
  const range: TimeRange = { from: options.view.from, to: options.view.to };
  const shift = options.shiftMs ?? 0;
  return queryOptions({
    queryKey: ['apo', options.procedure, { ...options.input, range: `${range.from}..${range.to}`, shift }],
    queryFn: async ({ signal }): Promise<RangeResult<TData>> => {
      const { fromMs, toMs } = resolveTimeRange(range, Date.now());
      const result = await options.fetch(
        { ...options.input, from: fromMs - shift, to: toMs - shift },
        signal,
      );
      return { result, fromMs, toMs };
    },
    // Changing a filter keeps the current rows on screen until the new ones arrive: no skeleton flash.
    placeholderData: keepPreviousData,
    refetchInterval: REFRESH_INTERVALS[options.view.refresh] ?? false,
    enabled: options.enabled ?? true,
  });
}
