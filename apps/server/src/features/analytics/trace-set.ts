/**
 * What the searches and analytics over many traces are asked: a trace search (the span filters, a trace
 * duration range, a trace id) and, for the analytics, a selection drawn on the duration-over-time scatter.
 * The input schemas live here so the router and the query module agree on one shape.
 */
import { z } from 'zod';
import { cursorInput } from '../cursor.ts';
import { timeRangeInput } from '../time-range.ts';
import { attributeFiltersInput, type SpanFilterInput } from '../traces/span-filters.ts';

const name = z.string().min(1).max(1024);

/** Durations in ms (fractions allowed): at most 10^12 ms (about 31 years), so the nanoseconds fit an Int64. */
const durationMs = z.number().nonnegative().max(1e12, 'must be at most 1000000000000 (ms, about 31 years)');

const traceSearchShape = {
  service: name.optional(),
  operation: name.optional(),
  status: z.enum(['unset', 'ok', 'error']).optional(),
  /** The whole trace's duration (first start to last end), not one span's. */
  minDurationMs: durationMs.optional(),
  maxDurationMs: durationMs.optional(),
  attributes: attributeFiltersInput.optional(),
  traceId: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters')
    .transform((s) => s.toLowerCase())
    .optional(),
};

/** A search over traces: every filter a trace search takes, over the time range. */
export interface TraceSetQuery extends SpanFilterInput {
  from: number;
  to: number;
  cluster?: string | undefined;
  minDurationMs?: number | undefined;
  maxDurationMs?: number | undefined;
  traceId?: string | undefined;
}

/**
 * A rectangle drawn on the scatter: traces that started in [fromMs, toMs] and lasted [minDurationMs,
 * maxDurationMs]. Times are absolute (the range the scatter showed may be relative and move on).
 */
export interface TraceSelection {
  fromMs: number;
  toMs: number;
  minDurationMs: number;
  maxDurationMs: number;
}

const selectionInput = z
  .object({
    fromMs: z.number().int().nonnegative(),
    toMs: z.number().int().nonnegative(),
    minDurationMs: durationMs,
    maxDurationMs: durationMs,
  })
  .superRefine((s, ctx) => {
    if (s.toMs < s.fromMs)
      ctx.addIssue({ code: 'custom', path: ['toMs'], message: `must not be before fromMs (${s.fromMs})` });
    if (s.maxDurationMs < s.minDurationMs)
      ctx.addIssue({
        code: 'custom',
        path: ['maxDurationMs'],
        message: `must not be below minDurationMs (${s.minDurationMs})`,
      });
  });

export const traceSearchInput = timeRangeInput({
  ...traceSearchShape,
  /** Only the traces inside this scatter selection. */
  selection: selectionInput.optional(),
  limit: z.number().int().min(1).max(500).default(50),
  cursor: cursorInput.optional(),
});

export const scatterInput = timeRangeInput(traceSearchShape);

export const analyticsInput = timeRangeInput({
  ...traceSearchShape,
  /** Analyse only the traces inside this scatter selection (and compare them with the rest). */
  selection: selectionInput.optional(),
});

/** Bounds: what one request reads at most. The answer says when it was cut. */
export const ANALYTICS_MAX_TRACES = 1_000;
export const SCATTER_MAX_POINTS = 2_000;
