/**
 * `GET /api/console/traces/:traceId/export?format=otlp|jaeger[&cluster=]`: a whole stored trace as a file
 * to download, every span with its attributes, resource, events and links, however many spans. Written as
 * it is read (trace-export-json.ts, a page of spans at a time): the server never holds the trace, nor its
 * text. Same credentials as the columns route (http/viewer-access.ts), so a browser's plain link works with
 * its session cookie and the desktop app fetches it with its bearer token.
 *
 * The status line goes out before the first page is read: a failure part way can only cut the response,
 * so the stream is destroyed (the download fails, rather than ending as a file that looks whole).
 */
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { AccessControl } from '../../auth/access-control.ts';
import { parseRouteInput } from '../../http/route-input.ts';
import { viewerDenial } from '../../http/viewer-access.ts';
import type { Storage } from '../../storage/index.ts';
import { NotFoundError } from '../domain-errors.ts';
import type { SpanReadLimits } from '../traces/span-view.ts';
import { traceExport, type TraceExportRead } from './export-queries.ts';
import { EXPORT_FORMATS, exportFileName, traceExportPieces } from './trace-export-json.ts';

const params = z.object({
  traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters'),
});
const query = z.object({
  format: z.enum(EXPORT_FORMATS, { error: 'format must be otlp or jaeger' }),
  cluster: z.string().min(1).max(64).optional(),
});

export function registerTraceExportRoute<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  deps: { storage: Storage; access: AccessControl; limits: SpanReadLimits },
): void {
  app.get('/api/console/traces/:traceId/export', async (req, res) => {
    const denied = await viewerDenial(deps.access, req, 'exporting a trace');
    if (denied !== undefined) return res.status(denied.status).send({ message: denied.message });
    const input = parseRouteInput({ params, query }, req);
    if (!input.ok) return res.status(400).send({ message: input.message });
    const traceId = input.params.traceId.toLowerCase();
    let read: TraceExportRead;
    try {
      read = await traceExport(deps.storage, traceId, input.query.cluster, deps.limits);
    } catch (err) {
      if (err instanceof NotFoundError) return res.status(404).send({ message: err.message });
      throw err;
    }
    const body = Readable.from(traceExportPieces(input.query.format, read), { objectMode: false });
    body.on('error', (err) => req.log.error({ err, traceId }, 'trace export failed part way'));
    return res
      .type('application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${exportFileName(input.query.format, traceId)}"`)
      .header('x-apo-trace-spans', String(read.totalSpans))
      .send(body);
  });
}
