import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import { z } from 'zod';
import type { Authenticator } from '../../auth/authenticator.ts';
import { DecisionBoard, discardUnreadBody } from '@apo/otlp-transport';

const postBody = z.object({
  traceIds: z
    .array(z.string().refine((v) => DecisionBoard.isTraceId(v), 'a trace id is 32 lower-case hex characters'))
    .max(100_000, 'at most 100,000 trace ids per request'),
});

const readQuery = z.object({
  after: z.string().max(100).optional(),
  waitMs: z.coerce.number().int().min(0).max(30_000).default(0),
});

/**
 * `POST /v1/sampling/decisions` `{ traceIds }` and `GET /v1/sampling/decisions?after=<cursor>&waitMs=<ms>`
 * (long poll) → `{ traceIds, cursor }`. Agents authenticate with their ingest token.
 */
export function registerSamplingRoutes<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  options: { board: DecisionBoard; auth: Authenticator },
): void {
  const { board, auth } = options;
  const authorize = (authorization: string | undefined): string | undefined => {
    const identity = auth.checkIngest(authorization);
    return identity.ok ? undefined : identity.message;
  };

  // The credential before the body: without one the answer comes at once and the body is not read.
  const admit = async (req: FastifyRequest, res: FastifyReply) => {
    const denied = authorize(req.headers.authorization);
    if (denied === undefined) return undefined;
    discardUnreadBody(req.raw, res.raw);
    await res.status(401).send({ message: denied });
    return res;
  };

  app.post('/v1/sampling/decisions', { onRequest: admit }, (req, res) => {
    const denied = authorize(req.headers.authorization);
    if (denied !== undefined) return res.status(401).send({ message: denied });
    const parsed = postBody.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return res.status(400).send({
        message: `invalid sampling decisions: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
      });
    }
    board.post(parsed.data.traceIds);
    return res.send({ accepted: parsed.data.traceIds.length });
  });

  app.get('/v1/sampling/decisions', async (req, res) => {
    const denied = authorize(req.headers.authorization);
    if (denied !== undefined) return res.status(401).send({ message: denied });
    const parsed = readQuery.safeParse(req.query);
    if (!parsed.success) {
      return res.status(400).send({ message: `invalid query: ${parsed.error.issues[0]?.message ?? ''}` });
    }
    const abort = new AbortController();
    req.raw.once('close', () => abort.abort());
    return board.read(parsed.data.after, parsed.data.waitMs, abort.signal);
  });
}
