/**
 * The Jaeger query API (Jaeger's `/api/…` HTTP JSON, cmd/query/app/http_handler.go), so the Jaeger UI and
 * Grafana's Jaeger data source read APO: services, operations, trace search and trace by id, in Jaeger's
 * envelope `{data, total, limit, offset, errors}`. Same credentials as tRPC (http/viewer-access.ts); every
 * failure answers in Jaeger's error shape (`errors: [{code, msg}]`) so those clients show the message.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { AccessControl } from '../../auth/access-control.ts';
import { viewerDenial } from '../../http/viewer-access.ts';
import type { Storage } from '../../storage/index.ts';
import { NotFoundError } from '../domain-errors.ts';
import { traceById, type TraceReadLimits } from '../traces/trace-queries.ts';
import { SPAN_KIND_NAMES, toJaegerTrace } from './jaeger-model.ts';
import {
  JaegerParamError,
  parseSpanKind,
  parseTraceId,
  parseTraceIds,
  parseTraceSearch,
} from './jaeger-params.ts';
import { jaegerOperations, jaegerServices, jaegerTraces, matchingTraceIds } from './jaeger-queries.ts';

interface JaegerError {
  code?: number;
  msg: string;
  traceID?: string;
}

/** Jaeger's envelope: `total` counts names in lists, 0 for traces; `errors` null when there are none. */
const envelope = (data: unknown, total = 0, errors: JaegerError[] | null = null) => ({
  data,
  total,
  limit: 0,
  offset: 0,
  errors,
});

const SINGLE_TRACE_CUT =
  'a trace answer holds at most APO_MAX_TRACE_SPANS spans; the APO console shows them all';
const SEARCH_CUT =
  'the traces of one search answer share APO_MAX_TRACE_SPANS spans; open the trace for up to that many';

interface Deps {
  storage: Storage;
  access: AccessControl;
  limits: TraceReadLimits;
}

/** The query string as Jaeger reads it: repeatable keys, first value wins for single ones. */
const queryOf = (req: FastifyRequest) => new URL(req.url, 'http://localhost').searchParams;

/** A path parameter, as the router decoded it. */
function pathParam(req: FastifyRequest, name: string): string {
  const value: unknown =
    typeof req.params === 'object' && req.params !== null ? Reflect.get(req.params, name) : '';
  return typeof value === 'string' ? value : '';
}

/**
 * Runs one handler behind the viewer check; a bad parameter is a 400 naming it, a missing trace a 404, and
 * anything else a 500 whose detail stays in the log, all in Jaeger's error shape.
 */
async function answer(
  req: FastifyRequest,
  res: FastifyReply,
  deps: Deps,
  handle: () => Promise<unknown>,
): Promise<FastifyReply> {
  const fail = (code: number, msg: string) => res.status(code).send(envelope(null, 0, [{ code, msg }]));
  const denied = await viewerDenial(deps.access, req, 'the Jaeger query API');
  if (denied !== undefined) return fail(denied.status, denied.message);
  try {
    return await res.header('cache-control', 'no-store').send(await handle());
  } catch (err) {
    if (err instanceof JaegerParamError) return fail(400, err.message);
    if (err instanceof NotFoundError) return fail(404, err.message);
    req.log.error({ err }, 'Jaeger query API request failed');
    return fail(500, 'internal error; see the server log');
  }
}

export function registerJaegerRoutes<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  deps: Deps,
): void {
  const { storage, limits } = deps;

  app.get('/api/services', (req, res) =>
    answer(req, res, deps, async () => {
      const services = await jaegerServices(storage);
      return envelope(services, services.length);
    }),
  );

  // The UI's older call: names only, every kind.
  app.get('/api/services/:service/operations', (req, res) =>
    answer(req, res, deps, async () => {
      const ops = await jaegerOperations(storage, pathParam(req, 'service'), undefined);
      const names = [...new Set(ops.map((o) => o.name))];
      return envelope(names, names.length);
    }),
  );

  app.get('/api/operations', (req, res) =>
    answer(req, res, deps, async () => {
      const q = queryOf(req);
      const service = q.get('service') ?? '';
      if (service === '') throw new JaegerParamError('service', "parameter 'service' is required");
      const spanKind = q.get('spanKind');
      const kind = spanKind === null || spanKind === '' ? undefined : parseSpanKind(spanKind, 'spanKind');
      const ops = await jaegerOperations(storage, service, kind);
      const data = ops.map((o) => ({ name: o.name, spanKind: SPAN_KIND_NAMES[o.kind] ?? '' }));
      return envelope(data, data.length);
    }),
  );

  app.get('/api/traces', (req, res) =>
    answer(req, res, deps, async () => {
      const q = queryOf(req);
      const ids = parseTraceIds(q);
      if (ids.length > 0) {
        // By ids (the UI's "compare" and pasted ids): each id not stored is named in `errors`.
        const traces = await jaegerTraces(storage, ids, limits);
        const found = new Set(traces.map((t) => t.traceId));
        const missing = ids
          .filter((id) => !found.has(id))
          .map((id) => ({ msg: 'trace not found', traceID: id }));
        return envelope(
          traces.map((t) => toJaegerTrace(t, SEARCH_CUT)),
          0,
          missing.length > 0 ? missing : null,
        );
      }
      const search = parseTraceSearch(q, Date.now());
      const traces = await jaegerTraces(storage, await matchingTraceIds(storage, search), limits);
      return envelope(traces.map((t) => toJaegerTrace(t, SEARCH_CUT)));
    }),
  );

  app.get('/api/traces/:traceId', (req, res) =>
    answer(req, res, deps, async () => {
      const traceId = parseTraceId(pathParam(req, 'traceId'));
      const trace = await traceById(storage, traceId, undefined, limits);
      return envelope([toJaegerTrace(trace, SINGLE_TRACE_CUT)]);
    }),
  );
}
