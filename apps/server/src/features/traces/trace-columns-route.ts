/**
 * `GET /api/console/traces/:traceId/columns[?cluster=]`: a whole stored trace, however large, as trace
 * frames (@apo/shared/console trace-frames.ts) — what the console's waterfall reads instead of
 * `traces.byId`'s JSON, which is bounded at 10,000 spans. Same credentials as tRPC (http/viewer-access.ts).
 * Spans are encoded and written batch by batch as storage returns them, so the server never holds the
 * trace decoded and the console draws the first rows before the last arrive.
 */
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import { z } from 'zod';
import {
  encodeEndFrame,
  encodeErrorFrame,
  encodeHeaderFrame,
  encodeSpansFrame,
  TRACE_FRAMES_CONTENT_TYPE,
} from '@apo/shared/console';
import type { AccessControl } from '../../auth/access-control.ts';
import { parseRouteInput } from '../../http/route-input.ts';
import { viewerDenial } from '../../http/viewer-access.ts';
import type { Storage } from '../../storage/index.ts';
import { NotFoundError } from '../domain-errors.ts';
import { traceColumns, type TraceColumnRead } from './trace-queries.ts';

/** Spans per frame: big enough that framing costs nothing, small enough to draw the first rows early. */
const BATCH_ROWS = 50_000;

const params = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters'),
});
const query = z.object({ cluster: z.string().min(1).max(64).optional() });

/** The trace as frames: the header, the spans batch by batch as storage returns them, the end. */
export async function* traceFrames(
  read: TraceColumnRead,
  onError: (err: unknown) => void,
  batchRows = BATCH_ROWS,
): AsyncGenerator<Uint8Array> {
  yield encodeHeaderFrame({
    traceId: read.traceId,
    baseNs: read.startNs.toString(),
    totalSpans: read.totalSpans,
  });
  // The reader pushes frames as it goes; this generator hands them on as the response drains them.
  const queue: Uint8Array[] = [];
  const waiting: { wake: (() => void) | null; drained: (() => void) | null } = { wake: null, drained: null };
  // Set by the reader's callbacks (an object: the compiler cannot see callbacks change locals).
  const end = { done: false, failed: false, spans: 0 };
  const reading = read
    .read(batchRows, async (batch, newStrings) => {
      queue.push(encodeSpansFrame(batch, newStrings));
      waiting.wake?.();
      // At most two frames waiting: a million-span trace is never held encoded in full.
      if (queue.length >= 2) await new Promise<void>((resolve) => (waiting.drained = resolve));
    })
    .then((n) => {
      end.spans = n;
    })
    .catch((err: unknown) => {
      end.failed = true;
      onError(err);
    })
    .finally(() => {
      end.done = true;
      waiting.wake?.();
    });
  for (;;) {
    const next = queue.shift();
    if (next !== undefined) {
      waiting.drained?.();
      waiting.drained = null;
      yield next;
      continue;
    }
    if (end.done) break;
    await new Promise<void>((resolve) => (waiting.wake = resolve));
    waiting.wake = null;
  }
  await reading;
  // The status line (200) is gone already: the reader learns of a failure from this frame.
  yield end.failed
    ? encodeErrorFrame('reading the trace failed part way; see the server log')
    : encodeEndFrame(end.spans);
}

export function registerTraceColumnsRoute<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  deps: { storage: Storage; access: AccessControl },
): void {
  app.get('/api/console/traces/:traceId/columns', async (req, res) => {
    const denied = await viewerDenial(deps.access, req, 'reading a trace');
    if (denied !== undefined) return res.status(denied.status).send({ message: denied.message });
    const input = parseRouteInput({ params, query }, req);
    if (!input.ok) return res.status(400).send({ message: input.message });
    let read: TraceColumnRead;
    try {
      read = await traceColumns(deps.storage, input.params.traceId.toLowerCase(), input.query.cluster);
    } catch (err) {
      if (err instanceof NotFoundError) return res.status(404).send({ message: err.message });
      throw err;
    }
    const body = Readable.from(
      traceFrames(read, (err) => req.log.error({ err }, 'trace columns failed')),
      {
        objectMode: false,
      },
    );
    return res.type(TRACE_FRAMES_CONTENT_TYPE).header('cache-control', 'no-store').send(body);
  });
}
