/**
 * Time ranges: as the API takes them (`timeRangeInput`, the one place a range is validated; every
 * procedure over a range builds its input with it), and as the per-minute rollups' `DateTime` columns
 * are queried.
 */
import { z } from 'zod';

/**
 * The latest time the API accepts, in ms: storage keeps nanoseconds in a signed 64-bit DateTime64(9), which
 * ends in April 2262. A later time cannot be converted, so it is refused here rather than failing in SQL.
 */
const MAX_TIME_MS = 9_223_372_036_854;

// Not `.int()`: it adds its own safe-integer bound, and a time past 2262 would be reported twice.
const timeMs = z
  .number()
  .min(0, 'must be at least 0 (ms since the epoch)')
  .max(MAX_TIME_MS, `must be at most ${MAX_TIME_MS} (ms since the epoch; storage ends in the year 2262)`)
  .refine(Number.isInteger, 'must be a whole number of ms since the epoch');

/**
 * The input of a procedure over a time range: `from` and `to` (ms since the epoch, [from, to)), an optional
 * cluster, and the procedure's own fields. The range is checked here, once, for every procedure.
 */
export function timeRangeInput<Shape extends z.ZodRawShape>(shape: Shape) {
  return z
    .object({ from: timeMs, to: timeMs, cluster: z.string().min(1).max(64).optional(), ...shape })
    .superRefine((value: object, ctx) => {
      // Read back rather than typed: TypeScript cannot see `from` and `to` through the generic shape.
      const from: unknown = Reflect.get(value, 'from');
      const to: unknown = Reflect.get(value, 'to');
      if (typeof from === 'number' && typeof to === 'number' && to <= from)
        ctx.addIssue({
          code: 'custom',
          path: ['to'],
          message: `empty time range: must be after from (${from}), got ${to}`,
        });
    });
}

/** DateTime is seconds in a UInt32: the API's ms clamp into it (a range past 2106 has no rows anyway). */
const MAX_DATETIME_S = 4_294_967_295;
export function dateTimeSeconds(ms: number): number {
  return Math.min(MAX_DATETIME_S, Math.max(0, Math.floor(ms / 1000)));
}

/** Minutes that overlap [from, to): from the minute holding `from` to the last one starting before `to`. */
export function minuteRange(fromMs: number, toMs: number): { fromS: number; toS: number } {
  return { fromS: dateTimeSeconds(Math.floor(fromMs / 60_000) * 60_000), toS: dateTimeSeconds(toMs + 999) };
}
