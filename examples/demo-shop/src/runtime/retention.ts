import type { Database } from '../db/database.ts';
import type { ServiceContext } from './service.ts';
import { inSpan, SpanKind } from './otel.ts';

/**
 * Business rows (orders, payments, assessments, notifications…) are kept this long, so a shop left running
 * for days keeps bounded databases (bench/demo-soak.bench.ts checks it). The traffic only refunds orders it
 * placed in the last few minutes, so a purge rarely turns a refund into a 404.
 */
export const RETENTION_MS = 15 * 60_000;
const PURGE_EVERY_MS = 60_000;

/** Runs each purge statement with the cutoff `now - RETENTION_MS`; the rows deleted. */
export async function purgeExpired(
  db: Database,
  statements: readonly string[],
  now = Date.now(),
): Promise<number> {
  let purged = 0;
  for (const sql of statements) purged += (await db.run(sql, [now - RETENTION_MS])).changes;
  return purged;
}

/**
 * The housekeeping job a real shop runs: every minute, each statement (one `?`, the cutoff in epoch ms)
 * deletes what is older than the retention. Returns its stop function.
 */
export function startRetention(
  { db, log, underFaults }: ServiceContext,
  statements: readonly string[],
): () => Promise<void> {
  const run = () =>
    inSpan('retention job', { kind: SpanKind.INTERNAL }, () =>
      underFaults(async () => {
        const purged = await purgeExpired(db, statements);
        if (purged > 0) log.info({ purged }, 'retention job done');
      }),
    ).catch((error: unknown) => log.error({ err: error }, 'retention job failed'));
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = run();
  }, PURGE_EVERY_MS);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
