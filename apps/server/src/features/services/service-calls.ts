/**
 * The database and external calls of a service (`services.calls`): per system, database, operation and
 * table — or peer host, route, queue — rate, errors and latency from the 100 % client-call rollups, beside
 * the same key in the comparison period (a day or a week earlier), so a slower statement stands out.
 */
import type { CallFigures, ServiceCalls } from '@apo/shared/console';
import { summarizeRed } from '@apo/shared/red';
import type { RedFigures } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import { callFigures } from './service-queries.ts';
import type { CallRow, RedEndpointsInput } from './service-queries.ts';

/** Call keys on a page unless asked otherwise. */
export const CALLS_PAGE = 200;
const SHIFT_MS = { day: 86_400_000, week: 604_800_000 } as const;

const keyOf = (r: CallRow) =>
  [r.call_type, r.peer, r.system, r.db_namespace, r.operation, r.target, r.role].join('\u0000');

function figures(f: RedFigures, seconds: number): CallFigures {
  const s = summarizeRed([f]);
  return { rate: s.count / seconds, calls: s.count, errors: s.errors, avgMs: s.avg, p95Ms: s.p95 };
}

/** A page of call keys, busiest first, each with the same key in the comparison period. */
export async function serviceCalls(
  storage: Storage,
  input: RedEndpointsInput & {
    compareWith: 'day' | 'week';
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<ServiceCalls> {
  const shift = SHIFT_MS[input.compareWith];
  const seconds = (input.to - input.from) / 1000;
  const now = await callFigures(storage, { ...input, limit: input.limit ?? CALLS_PAGE });
  // The page's keys in the comparison period, however they ranked there.
  const before =
    now.rows.length === 0
      ? []
      : (
          await callFigures(storage, {
            ...input,
            cursor: undefined,
            from: input.from - shift,
            to: input.to - shift,
            keys: now.rows.map((r) => r.key),
            limit: now.rows.length,
          })
        ).rows;
  const previous = new Map(before.map((b) => [keyOf(b.key), b.figures]));
  return {
    compareWith: input.compareWith,
    nextCursor: now.nextCursor,
    calls: now.rows.map(({ key, figures: f }) => {
      const p = previous.get(keyOf(key));
      return {
        callType: key.call_type,
        system: key.system,
        dbNamespace: key.db_namespace,
        operation: key.operation,
        target: key.target,
        peer: key.peer,
        role: key.role,
        now: figures(f, seconds),
        before: p === undefined ? null : figures(p, seconds),
      };
    }),
  };
}
