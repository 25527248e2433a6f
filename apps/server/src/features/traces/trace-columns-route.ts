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
  allocateSpanColumns,
  encodeEndFrame,
  encodeErrorFrame,
  encodeHeaderFrame,
  encodeSpansFrame,
  StringDictionary,
  TRACE_FRAMES_CONTENT_TYPE,
  writeHexId,
} from '@apo/shared/console';
import type { AccessControl } from '../../auth/access-control.ts';
import { viewerDenial } from '../../http/viewer-access.ts';
import type { Storage } from '../../storage/index.ts';
import { NotFoundError } from '../domain-errors.ts';
import { traceColumns, type SpanColumnRow, type TraceColumnRead } from './trace-queries.ts';

/** Spans per frame: big enough that framing costs nothing, small enough to draw the first rows early. */
const BATCH_ROWS = 50_000;

const params = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters'),
});
const query = z.object({ cluster: z.string().min(1).max(64).optional() });

/** Rows of one batch as columns; strings go through the trace's one dictionary. */
function toFrame(rows: SpanColumnRow[], dict: StringDictionary): Uint8Array {
  const sent = dict.strings.length;
  const c = allocateSpanColumns(rows.length);
  rows.forEach((r, i) => {
    writeHexId(r.span_id, c.spanIds, 2 * i);
    writeHexId(r.parent_span_id, c.parentIds, 2 * i);
    c.name[i] = dict.add(r.name);
    c.service[i] = dict.add(r.service);
    c.startNs[i] = r.start_offset_ns;
    c.durationNs[i] = r.duration_ns;
    c.status[i] = r.status_code;
    c.kind[i] = r.kind;
  });
  return encodeSpansFrame(c, dict.strings.slice(sent));
}

export async function* traceFrames(
  read: TraceColumnRead,
  onError: (err: unknown) => void,
): AsyncGenerator<Uint8Array> {
  yield encodeHeaderFrame({
    traceId: read.traceId,
    baseNs: read.startNs.toString(),
    totalSpans: read.totalSpans,
  });
  const dict = new StringDictionary();
  let spans = 0;
  try {
    for await (const rows of read.batches) {
      spans += rows.length;
      yield toFrame(rows, dict);
    }
  } catch (err) {
    // The status line (200) is gone already: the reader learns of the failure from this frame.
    onError(err);
    yield encodeErrorFrame('reading the trace failed part way; see the server log');
    return;
  }
  yield encodeEndFrame(spans);
}

export function registerTraceColumnsRoute<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  deps: { storage: Storage; access: AccessControl },
): void {
  app.get('/api/console/traces/:traceId/columns', async (req, res) => {
    const denied = await viewerDenial(deps.access, req, 'reading a trace');
    if (denied !== undefined) return res.status(denied.status).send({ message: denied.message });
    const p = params.safeParse(req.params);
    const q = query.safeParse(req.query);
    if (!p.success || !q.success) {
      const issue = (p.error ?? q.error)?.issues[0];
      return res
        .status(400)
        .send({ message: `invalid request: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}` });
    }
    let read: TraceColumnRead;
    try {
      read = await traceColumns(deps.storage, p.data.traceId.toLowerCase(), q.data.cluster, BATCH_ROWS);
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
