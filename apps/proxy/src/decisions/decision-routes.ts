/**
 * `POST /v1/sampling/decisions` `{ traceIds }` and `GET /v1/sampling/decisions?after=<cursor>&waitMs=<ms>`
 * (long poll) → `{ traceIds, cursor }` on the proxy's OTLP/HTTP port: the server's interface, answered by
 * the DecisionRelay. Agents authenticate with their agent token, as for OTLP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IngestError, discardUnreadBody, readBody } from '@apo/otlp-transport';
import type { AgentAuth } from '../receivers/agent-auth.ts';
import type { DecisionRelay } from './decision-relay.ts';

const DECISIONS_PATH = '/v1/sampling/decisions';

const TRACE_ID = /^[0-9a-f]{32}$/;
const MAX_IDS = 100_000;
/** 100,000 ids of 32 characters, quoted, with commas, and some room. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_WAIT_MS = 30_000;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Returns true when the request was for the decisions path (and is answered), false otherwise. */
export function handleDecisionRoute(
  req: IncomingMessage,
  res: ServerResponse,
  relay: DecisionRelay,
  auth: AgentAuth,
): boolean {
  const url = new URL(req.url ?? '/', 'http://proxy');
  if (url.pathname !== DECISIONS_PATH) return false;
  void serve(req, res, url, relay, auth).catch((err: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof IngestError) {
      if (err.kind === 'too-large') req.resume();
      // Refused before its body was read: not read (discarded for a moment, then the connection closed).
      if (err.kind === 'unauthenticated') discardUnreadBody(req, res);
      send(res, err.kind === 'unauthenticated' ? 401 : err.kind === 'too-large' ? 413 : 400, {
        message: err.message,
      });
    } else send(res, 500, { message: 'internal error; retry later' });
  });
  return true;
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  relay: DecisionRelay,
  auth: AgentAuth,
): Promise<void> {
  const authorization = req.headers.authorization;
  if (req.method === 'POST') {
    // The credential first: a sender without one is answered before its body is read.
    auth.check(authorization);
    const body = await readBody(req, MAX_BODY_BYTES);
    const traceIds = parseIds(body);
    relay.post(traceIds);
    send(res, 200, { accepted: traceIds.length });
    return;
  }
  if (req.method === 'GET') {
    req.resume();
    auth.check(authorization);
    const after = url.searchParams.get('after') ?? undefined;
    if (after !== undefined && after.length > 100)
      throw new IngestError('malformed', 'invalid query: after must be at most 100 characters');
    const waitText = url.searchParams.get('waitMs') ?? '0';
    const waitMs = Number(waitText);
    if (!/^\d+$/.test(waitText) || waitMs > MAX_WAIT_MS)
      throw new IngestError('malformed', `invalid query: waitMs must be a whole number 0-${MAX_WAIT_MS}`);
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    const page = await relay.read(after, waitMs, abort.signal);
    if (!res.destroyed) send(res, 200, page);
    return;
  }
  req.resume();
  res.setHeader('allow', 'GET, POST');
  send(res, 405, { message: `${req.method ?? ''} is not allowed on ${DECISIONS_PATH}: use GET or POST` });
}

function parseIds(body: Buffer): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new IngestError('malformed', `invalid sampling decisions: not JSON (${(err as Error).message})`);
  }
  const ids = (parsed as { traceIds?: unknown } | null)?.traceIds;
  if (!Array.isArray(ids))
    throw new IngestError('malformed', 'invalid sampling decisions: expected {"traceIds": [...]}');
  if (ids.length > MAX_IDS)
    throw new IngestError(
      'malformed',
      `invalid sampling decisions: at most ${MAX_IDS} trace ids per request`,
    );
  ids.forEach((id, i) => {
    if (typeof id !== 'string' || !TRACE_ID.test(id))
      throw new IngestError(
        'malformed',
        `invalid sampling decisions: traceIds.${i} a trace id is 32 lower-case hex characters`,
      );
  });
  return ids as string[];
}
