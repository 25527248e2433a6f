import type { z } from 'zod';

/**
 * A plain HTTP route's path parameters and query string checked against their schemas, as tRPC checks a
 * procedure's input: the first problem becomes one message naming the field (`invalid request: format: …`).
 */
export function parseRouteInput<P extends z.ZodType, Q extends z.ZodType>(
  schemas: { params: P; query: Q },
  req: { params: unknown; query: unknown },
): { ok: true; params: z.infer<P>; query: z.infer<Q> } | { ok: false; message: string } {
  const p = schemas.params.safeParse(req.params);
  const q = schemas.query.safeParse(req.query);
  if (p.success && q.success) return { ok: true, params: p.data, query: q.data };
  const issue = (p.error ?? q.error)?.issues[0];
  return { ok: false, message: `invalid request: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}` };
}
