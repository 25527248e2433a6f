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

const CALLS_LIMIT = 200;
/** The comparison period's keys are read more widely, so a key that fell in the ranking still matches. */
const BEFORE_LIMIT = 1000;
const SHIFT_MS = { day: 86_400_000, week: 604_800_000 } as const;

const keyOf = (r: CallRow) =>
  [r.call_type, r.peer, r.system, r.db_namespace, r.operation, r.target, r.role].join('\u0000');

function figures(f: RedFigures, seconds: number): CallFigures {
  const s = summarizeRed([f]);
  return { rate: s.count / seconds, calls: s.count, errors: s.errors, avgMs: s.avg, p95Ms: s.p95 };
}

export async function serviceCalls(
  storage: Storage,
  input: RedEndpointsInput & { compareWith: 'day' | 'week' },
): Promise<ServiceCalls> {
  const shift = SHIFT_MS[input.compareWith];
  const seconds = (input.to - input.from) / 1000;
  const now = await callFigures(storage, { ...input, limit: CALLS_LIMIT });
  const before =
    now.length === 0
      ? []
      : await callFigures(storage, {
          ...input,
          from: input.from - shift,
          to: input.to - shift,
          limit: BEFORE_LIMIT,
        });
  const previous = new Map(before.map((b) => [keyOf(b.key), b.figures]));
  return {
    compareWith: input.compareWith,
    calls: now.map(({ key, figures: f }) => {
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
