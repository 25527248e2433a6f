/**
 * What a span contributes to RED: whether it is an entry (SERVER, CONSUMER, root INTERNAL) and under
 * which endpoint, whether it is a client call (CLIENT, PRODUCER, and CONSUMER as the consuming side of a
 * destination) and to what, and whether it failed. Reads current semantic-convention attributes first
 * and the pre-1.26 names second, because SDKs of both generations send to the same agent.
 * This runs once per span on the agent's hot path: plain attribute reads, no allocation beyond the strings
 * it returns, and SQL parsing only through a cache.
 */
import { SpanKind, StatusCode } from '../model/telemetry.ts';
import type { AnyValue, Attributes, Span } from '../model/telemetry.ts';
import { RED_MAX_KEY_LENGTH, RedCallType } from './red-schema.ts';
import { parseSqlHead } from './sql-head.ts';
import type { SqlHead } from './sql-head.ts';

/** A string, number, bigint or boolean attribute as text, cut to the key length; '' for anything else. */
export function keyText(value: AnyValue | undefined): string {
  if (typeof value === 'string')
    return value.length > RED_MAX_KEY_LENGTH ? value.slice(0, RED_MAX_KEY_LENGTH) : value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return '';
}

/** The first of two attributes that is present (current name, then the older one). */
function either(a: Attributes, current: string, older: string): string {
  const v = a[current];
  return keyText(v === undefined ? a[older] : v);
}

function httpStatus(a: Attributes): number {
  const v = a['http.response.status_code'] ?? a['http.status_code'];
  return typeof v === 'bigint' || typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : 0;
}

/**
 * Status ERROR is an error, status OK is not (an explicit decision of the instrumentation or the user).
 * When unset, HTTP status codes decide as the semantic conventions say: 5xx fails a server span, 4xx and
 * 5xx fail a client span.
 */
export function spanFailed(span: Span): boolean {
  const code = span.status.code;
  if (code === StatusCode.Error) return true;
  if (code === StatusCode.Ok) return false;
  if (span.kind === SpanKind.Server) return httpStatus(span.attributes) >= 500;
  if (span.kind === SpanKind.Client) return httpStatus(span.attributes) >= 400;
  return false;
}

/** Index of the entry kind label (see ENTRY_KINDS), or -1 for a span that is not an entry. */
export function entryKindIndex(span: Span): number {
  switch (span.kind) {
    case SpanKind.Server:
      return 0;
    case SpanKind.Consumer:
      return 1;
    case SpanKind.Client:
    case SpanKind.Producer:
      return -1;
    default:
      // INTERNAL and UNSPECIFIED roots are units of work nobody called over the network (cron jobs,
      // scripts, queue pollers without CONSUMER spans): without them such services would have no RED.
      return span.parentSpanId === '' ? 2 : -1;
  }
}
export const ENTRY_KINDS = ['server', 'consumer', 'internal'] as const;

function destination(a: Attributes): string {
  return keyText(
    a['messaging.destination.template'] ??
      a['messaging.destination.name'] ??
      a['messaging.destination'] ??
      a['messaging.source.name'],
  );
}

/**
 * Server spans: "METHOD route" when http.route is known (the span name of semantic conventions, and a
 * GET and a POST on one route are different endpoints), else the span name. Consumers: the destination.
 */
export function entryEndpoint(span: Span, kindIndex: number): string {
  const a = span.attributes;
  if (kindIndex === 0) {
    const route = keyText(a['http.route']);
    if (route !== '') {
      const method = either(a, 'http.request.method', 'http.method');
      return method === '' ? route : `${method} ${route}`;
    }
  } else if (kindIndex === 1) {
    const dest = destination(a);
    if (dest !== '') return dest;
  }
  return keyText(span.name);
}

/** The labels of one client-call series (minus the error flag). Reused between spans: copy what you keep. */
export interface CallDescriptor {
  type: RedCallType;
  kind: 'client' | 'producer' | 'consumer';
  peer: string;
  system: string;
  dbNamespace: string;
  operation: string;
  target: string;
  role: '' | 'producer' | 'consumer';
}

export function newCallDescriptor(): CallDescriptor {
  return {
    type: RedCallType.Other,
    kind: 'client',
    peer: '',
    system: '',
    dbNamespace: '',
    operation: '',
    target: '',
    role: '',
  };
}

/** Host (and port) of an absolute URL, without user info; '' when it is not one. */
function urlHost(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return '';
  let end = scheme + 3;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    end++;
  }
  const authority = url.slice(scheme + 3, end);
  return authority.slice(authority.lastIndexOf('@') + 1);
}

/** `address:port` of the called server, remembering the last one: consecutive spans mostly call the same. */
class PeerMemo {
  #address = '';
  #port: AnyValue | undefined;
  #peer = '';
  of(a: Attributes): string {
    const address = either(a, 'server.address', 'net.peer.name');
    if (address === '') return '';
    const port = a['server.port'] ?? a['net.peer.port'];
    if (address !== this.#address || port !== this.#port) {
      const portText = keyText(port);
      this.#address = address;
      this.#port = port;
      this.#peer = portText === '' ? address : `${address}:${portText}`;
    }
    return this.#peer;
  }
}

/**
 * Parses SQL heads through a bounded cache: instrumented code sends the same few statements over and over.
 * Long texts (bulk inserts, inlined values) are parsed each time rather than kept: 2,000 of them could
 * hold megabytes, and they rarely repeat.
 */
class SqlHeadCache {
  readonly #limit: number;
  #entries = new Map<string, SqlHead | null>();
  constructor(limit = 2000) {
    this.#limit = limit;
  }
  get(statement: string): SqlHead | undefined {
    if (statement.length > MAX_CACHED_STATEMENT) return parseSqlHead(statement);
    let head = this.#entries.get(statement);
    if (head === undefined) {
      head = parseSqlHead(statement) ?? null;
      // Emptying a full cache is cheap and keeps hot statements: they return within the next few spans.
      if (this.#entries.size >= this.#limit) this.#entries = new Map();
      this.#entries.set(statement, head);
    }
    return head ?? undefined;
  }
}

const MAX_CACHED_STATEMENT = 1024;
const CONSUMER_OPERATIONS = new Set(['receive', 'process', 'settle', 'deliver']);

/** Caches shared by the spans one aggregator sees. */
export class CallClassifier {
  readonly sql = new SqlHeadCache();
  readonly peer = new PeerMemo();
}

/** Fills `out` for a client call and returns true; false when the span is not one. */
export function describeCall(span: Span, cx: CallClassifier, out: CallDescriptor): boolean {
  const kind = span.kind;
  if (kind !== SpanKind.Client && kind !== SpanKind.Producer && kind !== SpanKind.Consumer) return false;
  const a = span.attributes;
  const messagingSystem = keyText(a['messaging.system']);
  // A CONSUMER span is an entry first; it is also a call only as the consuming side of a destination.
  if (kind === SpanKind.Consumer && messagingSystem === '') return false;
  out.kind = kind === SpanKind.Client ? 'client' : kind === SpanKind.Producer ? 'producer' : 'consumer';
  out.dbNamespace = '';
  out.role = '';
  const dbSystem = either(a, 'db.system.name', 'db.system');
  if (dbSystem !== '' && kind === SpanKind.Client) {
    out.type = RedCallType.Db;
    out.system = dbSystem;
    out.dbNamespace = either(a, 'db.namespace', 'db.name');
    out.peer = cx.peer.of(a);
    // Instrumentation that names operation and table knows best (stored procedures, ORMs, NoSQL); the
    // statement fills in what it left out.
    let operation = either(a, 'db.operation.name', 'db.operation');
    let table = either(a, 'db.collection.name', 'db.sql.table');
    if (operation === '' || table === '') {
      const statement = a['db.query.text'] ?? a['db.statement'];
      const head = typeof statement === 'string' ? cx.sql.get(statement) : undefined;
      if (head !== undefined) {
        if (operation === '') operation = head.operation;
        if (table === '')
          table =
            head.table.length > RED_MAX_KEY_LENGTH ? head.table.slice(0, RED_MAX_KEY_LENGTH) : head.table;
      }
    }
    out.operation = operation.toUpperCase();
    out.target = table;
  } else if (messagingSystem !== '' || kind !== SpanKind.Client) {
    out.type = RedCallType.Messaging;
    out.system = messagingSystem;
    out.peer = cx.peer.of(a);
    out.operation = either(a, 'messaging.operation.type', 'messaging.operation');
    out.target = destination(a);
    out.role =
      kind === SpanKind.Producer
        ? 'producer'
        : kind === SpanKind.Consumer || CONSUMER_OPERATIONS.has(out.operation)
          ? 'consumer'
          : 'producer';
  } else {
    const rpcSystem = keyText(a['rpc.system']);
    if (rpcSystem !== '') {
      out.type = RedCallType.Rpc;
      out.system = rpcSystem;
      out.target = keyText(a['rpc.service']);
      out.operation = keyText(a['rpc.method']);
      out.peer = cx.peer.of(a) || out.target || keyText(a['peer.service']);
    } else {
      const method = either(a, 'http.request.method', 'http.method');
      out.type = method === '' ? RedCallType.Other : RedCallType.Http;
      out.system = method === '' ? '' : 'http';
      out.operation = method;
      out.target = '';
      out.peer =
        cx.peer.of(a) ||
        keyText(a['http.host']) ||
        urlHost(keyText(a['url.full'] ?? a['http.url'])) ||
        keyText(a['peer.service']);
    }
  }
  if (out.peer === '' && out.type !== RedCallType.Http) out.peer = keyText(a['peer.service']);
  return true;
}
