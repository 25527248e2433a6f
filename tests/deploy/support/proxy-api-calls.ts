/**
 * The Kubernetes API calls the proxy makes, observed rather than listed: its Kubernetes side (the code the
 * proxy runs) is started against the local API stand-in, which answers whatever collection it is asked for
 * with an empty list, until every resource the proxy watches has been listed and is being watched.
 */
import { startKubernetesSync } from '../../../apps/proxy/src/kubernetes/index.ts';
import { KubeApiStandIn } from '../../../apps/proxy/test/kubernetes/support/kube-api-stand-in.ts';
import { eventually } from '../../stack/support/agent-process.ts';

type Log = Parameters<typeof startKubernetesSync>[0]['log'];
const noop = () => undefined;
/** The proxy logs through pino; nothing it says matters here. */
const silent: Log = {
  ...Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((level) => [level, noop])),
  child: () => silent,
} as unknown as Log;

export interface ApiCall {
  /** '' for the core group. */
  apiGroup: string;
  resource: string;
  verb: 'list' | 'watch';
  namespaced: boolean;
}

/** `/api/v1/pods`, `/apis/apps/v1/namespaces/x/replicasets` → group and resource. */
function resourceOf(path: string): Omit<ApiCall, 'verb'> {
  const core = /^\/api\/v1\/(?:namespaces\/[^/]+\/)?([^/]+)$/.exec(path);
  if (core) return { apiGroup: '', resource: core[1]!, namespaced: path.includes('/namespaces/') };
  const grouped = /^\/apis\/([^/]+)\/[^/]+\/(?:namespaces\/[^/]+\/)?([^/]+)$/.exec(path);
  if (grouped)
    return { apiGroup: grouped[1]!, resource: grouped[2]!, namespaced: path.includes('/namespaces/') };
  throw new Error(`the proxy called ${path}, which is not a collection path this test can map to RBAC`);
}

/**
 * The stand-in, and a function that serves every collection asked for so far (an empty list) — call it
 * while waiting: the proxy retries a 404 with backoff and then finds it.
 */
export async function permissiveKubeApi(): Promise<{
  api: KubeApiStandIn;
  served: Set<string>;
  serveWhatIsAsked: () => void;
}> {
  const api = await KubeApiStandIn.start();
  const served = new Set<string>();
  const serveWhatIsAsked = () => {
    for (const request of api.requests)
      if (!served.has(request.path)) {
        served.add(request.path);
        api.serve(request.path, 'List', []);
      }
  };
  return { api, served, serveWhatIsAsked };
}

export async function observeProxyApiCalls(): Promise<ApiCall[]> {
  const { api, served, serveWhatIsAsked } = await permissiveKubeApi();
  const sync = await startKubernetesSync({
    kubeConfig: api.kubeConfig(),
    log: silent,
    enqueue: () => undefined,
    publishSnapshot: () => Promise.resolve(),
    backoffMs: { first: 20, max: 100 },
  });
  try {
    await eventually(
      () => {
        serveWhatIsAsked();
        const stats = sync.stats();
        const watching = stats.synced && stats.watches.every((w) => w.synced && w.watches > 0);
        const everyPathWatched = [...served].every((path) => api.openWatches(path) > 0);
        return Promise.resolve(watching && everyPathWatched ? true : undefined);
      },
      20_000,
      'every resource the proxy uses listed and watched',
    );
  } finally {
    await sync.close();
    await api.close();
  }
  const calls = new Map<string, ApiCall>();
  for (const request of api.requests) {
    // Reads of collections only: anything else would need a verb this mapping does not make up.
    if (request.method !== 'GET') throw new Error(`the proxy sent ${request.method} ${request.path}`);
    const call: ApiCall = { ...resourceOf(request.path), verb: request.watch ? 'watch' : 'list' };
    calls.set(JSON.stringify(call), call);
  }
  return [...calls.values()];
}
