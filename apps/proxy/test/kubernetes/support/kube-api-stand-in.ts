/**
 * A LOCAL STAND-IN for the Kubernetes API server (no cluster can run here): a node:http server that answers
 * list calls with JSON lists (paged with `limit` / `continue`) and watch calls with chunked streams of JSON
 * lines, the way kube-apiserver does, from objects the test puts in. It keeps a global resourceVersion like
 * etcd and a history per collection, so a watch resumed from a resourceVersion gets exactly what it missed,
 * and a history the test "compacts" answers `410 Gone` (as an HTTP status or as an ERROR event in the
 * stream, both of which real servers do). Every request is logged for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface KubeObject {
  metadata: { name: string; namespace?: string; uid: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface Collection {
  listKind: string;
  objects: Map<string, KubeObject>;
  history: { rv: number; type: WatchType; object: KubeObject }[];
  /** History up to this resourceVersion is forgotten: a watch from an older one gets 410 Gone. */
  compactedAt: number;
  watchers: Set<ServerResponse>;
  /** Answer the next requests with this status (e.g. 403 for RBAC), while `times` > 0. */
  failing: { status: number; times: number } | undefined;
}

export interface LoggedRequest {
  method: string;
  path: string;
  watch: boolean;
  resourceVersion: string | undefined;
  continueToken: string | undefined;
  status: number;
}

const clone = <T>(v: T): T => structuredClone(v);
const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class KubeApiStandIn {
  readonly token = 'stand-in-token';
  readonly requests: LoggedRequest[] = [];
  /** How a 410 is reported: an HTTP status on the watch request, or an ERROR event inside the stream. */
  goneAs: 'status' | 'event' = 'status';
  pageSize = 2;
  readonly #server: Server;
  readonly #collections = new Map<string, Collection>();
  #rv = 1000;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<KubeApiStandIn> {
    const server = createServer();
    const standIn = new KubeApiStandIn(server);
    server.on('request', (req, res) => standIn.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** A client configuration for this stand-in: plain HTTP (hence skipTLSVerify), bearer token auth. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'stand-in', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'proxy', token: this.token }],
      contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'proxy' }],
      currentContext: 'stand-in',
    });
    return kc;
  }

  /** Declares a collection (e.g. `/api/v1/pods`, `PodList`) with its initial objects. */
  serve(path: string, listKind: string, objects: KubeObject[]): void {
    const collection: Collection = {
      listKind,
      objects: new Map(),
      history: [],
      compactedAt: 0,
      watchers: new Set(),
      failing: undefined,
    };
    this.#collections.set(path, collection);
    for (const o of objects) {
      const copy = clone(o);
      copy.metadata.resourceVersion = String(++this.#rv);
      collection.objects.set(keyOf(copy), copy);
    }
  }

  /** A change, as the API server would make it: a new resourceVersion, sent to every open watch. */
  apply(path: string, type: WatchType, object: KubeObject): string {
    const c = this.#collection(path);
    const copy = clone(object);
    const rv = ++this.#rv;
    copy.metadata.resourceVersion = String(rv);
    if (type === 'DELETED') c.objects.delete(keyOf(copy));
    else c.objects.set(keyOf(copy), copy);
    c.history.push({ rv, type, object: copy });
    for (const res of c.watchers) res.write(`${JSON.stringify({ type, object: copy })}\n`);
    return String(rv);
  }

  /** Ends the open watches of a collection from the server side (as an API server or a load balancer does). */
  disconnectWatches(path: string): number {
    const c = this.#collection(path);
    const n = c.watchers.size;
    for (const res of c.watchers) res.end();
    c.watchers.clear();
    return n;
  }

  /** Forgets the history so far: a watch resumed from an older resourceVersion gets 410 Gone. */
  compact(path: string): void {
    this.#collection(path).compactedAt = this.#rv;
  }

  failNext(path: string, status: number, times = Number.POSITIVE_INFINITY): void {
    this.#collection(path).failing = { status, times };
  }

  openWatches(path: string): number {
    return this.#collection(path).watchers.size;
  }

  requestsFor(path: string, kind: 'list' | 'watch'): LoggedRequest[] {
    return this.requests.filter((r) => r.path === path && r.watch === (kind === 'watch'));
  }

  async close(): Promise<void> {
    for (const c of this.#collections.values()) for (const res of c.watchers) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #collection(path: string): Collection {
    const c = this.#collections.get(path);
    if (c === undefined) throw new Error(`the stand-in does not serve ${path}`);
    return c;
  }

  #status(res: ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code }));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const watch = url.searchParams.get('watch') === 'true';
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      watch,
      resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
      continueToken: url.searchParams.get('continue') ?? undefined,
      status: 200,
    };
    this.requests.push(entry);
    const fail = (code: number, reason: string, message: string) => {
      entry.status = code;
      this.#status(res, code, reason, message);
    };
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      fail(401, 'Unauthorized', 'Unauthorized');
      return;
    }
    const c = this.#collections.get(url.pathname);
    if (c === undefined) {
      fail(404, 'NotFound', `the server could not find ${url.pathname}`);
      return;
    }
    if (c.failing !== undefined && c.failing.times > 0) {
      c.failing.times--;
      fail(c.failing.status, 'Forbidden', `stand-in refuses ${url.pathname} (${c.failing.status})`);
      return;
    }
    if (!watch) {
      this.#list(c, url, res);
      return;
    }
    const from = Number(entry.resourceVersion ?? '0');
    if (from !== 0 && from < c.compactedAt) {
      if (this.goneAs === 'status') {
        fail(410, 'Expired', `too old resource version: ${from}`);
        return;
      }
      entry.status = 410;
      res.writeHead(200, { 'content-type': 'application/json' });
      const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 };
      res.end(
        `${JSON.stringify({ type: 'ERROR', object: { ...status, message: `too old resource version: ${from}` } })}\n`,
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // kube-apiserver answers a watch at once, before any event: the client's connect timeout ends here.
    res.flushHeaders();
    if (from === 0) {
      for (const o of c.objects.values()) res.write(`${JSON.stringify({ type: 'ADDED', object: o })}\n`);
    } else {
      for (const h of c.history)
        if (h.rv > from) res.write(`${JSON.stringify({ type: h.type, object: h.object })}\n`);
    }
    c.watchers.add(res);
    res.on('close', () => c.watchers.delete(res));
  }

  #list(c: Collection, url: URL, res: ServerResponse): void {
    const all = [...c.objects.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const offset = Number(url.searchParams.get('continue') ?? '0');
    const size = limit > 0 ? Math.min(limit, this.pageSize) : all.length;
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? String(offset + size) : undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: c.listKind,
        apiVersion: { ReplicaSetList: 'apps/v1', JobList: 'batch/v1' }[c.listKind] ?? 'v1',
        metadata: { resourceVersion: String(this.#rv), ...(next === undefined ? {} : { continue: next }) },
        items: page,
      }),
    );
  }
}
