/**
 * The runnable bundles (`pnpm build` → dist/bundles/, built here into a temporary directory outside the
 * repository): each starts with Node alone and answers /healthz, and agent → proxy → server, all three from
 * their bundles, store a trace — the proxy watching a (stand-in) Kubernetes API, so that the lazily loaded
 * Kubernetes client runs from the bundle too.
 */
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/otlp-transport/src/testing/index.ts';
import { apiClient } from '../../apps/server/test/support/api-client.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';
import { eventually } from '../stack/support/agent-process.ts';
import { numberedTraces, postTraces, storedSpans } from '../stack/support/proxy-process.ts';
import { permissiveKubeApi } from './support/proxy-api-calls.ts';
import {
  dataDirFor,
  startBundleAsImage,
  buildBundlesOutsideRepo,
  startBundle,
  type BuiltBundles,
  type BundleProcess,
} from './support/bundle-process.ts';

const ADMIN = 'deploy-admin-token';
const PROXY_TOKEN = 'deploy-proxy-token';
const AGENT_TOKEN = 'deploy-agent-token';

/** Every path under `dir` that is a symbolic link (a bundle must hold files of its own). */
async function symlinksUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if ((await lstat(path)).isSymbolicLink()) found.push(path);
  }
  return found;
}

describe('runnable bundles, started from outside the repository', () => {
  let built: BuiltBundles;
  let work: string;
  const running: BundleProcess[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    built = await buildBundlesOutsideRepo();
    work = await mkdtemp(join(tmpdir(), 'apo-bundle-run-'));
  }, 180_000); // three rolldown builds on a busy 2-core machine
  afterAll(async () => {
    for (const p of running.reverse()) await p.proc.stop();
    for (const close of closers) await close();
    await rm(work, { recursive: true, force: true });
    await built.dispose();
  });

  it('holds a bin, the bundled code and only the packages that cannot be bundled, as files of its own', async () => {
    for (const bundle of Object.values(built.bundles)) {
      expect(bundle.dir.startsWith(built.root)).toBe(true);
      expect(await symlinksUnder(bundle.dir)).toEqual([]);
      const pkg = JSON.parse(await readFile(join(bundle.dir, 'package.json'), 'utf8')) as {
        type: string;
        dependencies: Record<string, string>;
      };
      expect(pkg.type).toBe('module');
      const installed = await readdir(join(bundle.dir, 'node_modules')).catch(() => []);
      if (bundle.app === 'server') {
        expect(pkg.dependencies).toEqual({ chdb: '3.4.0' });
        // The engine's native parts travel with it.
        await expect(
          lstat(join(bundle.dir, 'node_modules/@chdb/lib-linux-x64-gnu/libchdb.so')),
        ).resolves.toBeTruthy();
        // The web console travels with the server, which finds it through its package.json.
        expect(pkg).toMatchObject({ apoConsoleDir: 'console' });
        await expect(lstat(join(bundle.dir, 'console/index.html'))).resolves.toBeTruthy();
        expect((await readdir(join(bundle.dir, 'console/assets'))).some((f) => f.endsWith('.js'))).toBe(true);
      } else {
        expect(pkg.dependencies).toEqual({});
        expect(installed).toEqual([]);
      }
    }
  });

  it('runs agent → proxy (watching Kubernetes) → server from the bundles alone and stores a trace', async () => {
    const kube = await permissiveKubeApi();
    closers.push(() => kube.api.close());
    const kubeconfig = join(work, 'kubeconfig.json');
    await writeFile(kubeconfig, kube.api.kubeConfig().exportConfig());
    const [httpPort, grpcPort] = [await freePort(), await freePort()];
    const server = await startBundle(
      built.bundles.server,
      {
        APO_DATA_DIR: join(work, 'server-data'),
        APO_HTTP_PORT: String(httpPort),
        APO_GRPC_PORT: String(grpcPort),
        APO_AUTH: 'on',
        APO_ADMIN_TOKEN: ADMIN,
        APO_PROXY_TOKENS: PROXY_TOKEN,
      },
      `http://127.0.0.1:${httpPort}/healthz`,
      work,
    );
    running.push(server);
    expect(server.health).toMatchObject({ status: 'ok' });
    const serverUrl = `http://127.0.0.1:${httpPort}`;
    const page = await fetch(`${serverUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    const proxyPorts = { http: await freePort(), grpc: await freePort(), status: await freePort() };
    const proxy = await startBundle(
      built.bundles.proxy,
      {
        APO_PROXY_DATA_DIR: join(work, 'proxy-data'),
        APO_PROXY_OTLP_HTTP_PORT: String(proxyPorts.http),
        APO_PROXY_OTLP_GRPC_PORT: String(proxyPorts.grpc),
        APO_PROXY_STATUS_PORT: String(proxyPorts.status),
        APO_PROXY_EXPORT_URL: serverUrl,
        APO_PROXY_TOKEN: PROXY_TOKEN,
        APO_PROXY_AGENT_TOKENS: AGENT_TOKEN,
        APO_PROXY_CLUSTER_ID: 'bundles',
        APO_PROXY_KUBERNETES: 'on',
        APO_PROXY_KUBECONFIG: kubeconfig,
      },
      `http://127.0.0.1:${proxyPorts.status}/healthz`,
      work,
    );
    running.push(proxy);
    expect(proxy.health).toMatchObject({ status: 'ok', clusterId: 'bundles' });
    await eventually(
      async () => {
        kube.serveWhatIsAsked();
        const health = (await (await fetch(`http://127.0.0.1:${proxyPorts.status}/healthz`)).json()) as {
          kubernetes?: { synced: boolean };
        };
        return health.kubernetes?.synced === true ? true : undefined;
      },
      30_000,
      "the bundled proxy's Kubernetes sync",
    );

    const agentPorts = { http: await freePort(), grpc: await freePort(), status: await freePort() };
    const agent = await startBundle(
      built.bundles.agent,
      {
        APO_AGENT_DATA_DIR: join(work, 'agent-data'),
        APO_AGENT_OTLP_HTTP_PORT: String(agentPorts.http),
        APO_AGENT_OTLP_GRPC_PORT: String(agentPorts.grpc),
        APO_AGENT_STATUS_PORT: String(agentPorts.status),
        APO_AGENT_EXPORT_URL: `http://127.0.0.1:${proxyPorts.http}`,
        APO_AGENT_TOKEN: AGENT_TOKEN,
        APO_AGENT_SAMPLING: 'off',
        APO_AGENT_HOST_NAME: 'bundle-host',
      },
      `http://127.0.0.1:${agentPorts.status}/healthz`,
      work,
    );
    running.push(agent);
    expect(agent.health).toMatchObject({ status: 'ok' });

    const res = await postTraces(
      `http://127.0.0.1:${agentPorts.http}`,
      numberedTraces(0, 3, 'bundled-chain', BigInt(Date.now()) * 1_000_000n),
    );
    expect(res.status).toBe(200);
    const api = apiClient(serverUrl, ADMIN);
    const stored = await eventually(
      async () => {
        const spans = await storedSpans(api, 'bundled-chain');
        return spans.size === 3 ? spans : undefined;
      },
      45_000,
      'the trace stored through agent → proxy → server',
    );
    expect([...stored.values()]).toEqual(Array(3).fill({ count: 1, cluster: 'bundles' }));
    const trace = await api.traces.byId.query({ traceId: (1).toString(16).padStart(32, '0') });
    expect(trace.spans.map((s) => attributeValue(s.resource, 'host.name'))).toEqual(
      Array(3).fill('bundle-host'),
    );
  }, 120_000);

  // setpriv needs root; CI runs as root, as the README's .ci/run says.
  it.runIf(process.getuid?.() === 0)(
    "runs each bundle as its image does: the Containerfile's user and environment, cwd not writable (needs root to switch user)",
    async () => {
      const server = { http: await freePort(), grpc: await freePort() };
      const [proxy, agent] = [
        { http: await freePort(), grpc: await freePort(), status: await freePort() },
        { http: await freePort(), grpc: await freePort(), status: await freePort() },
      ];
      const started = [];
      const ownedDataDir = async () => {
        const dir = await dataDirFor(10001, 10001);
        closers.push(() => rm(dir, { recursive: true, force: true }));
        return dir;
      };
      const serverProc = await startBundleAsImage(
        built.bundles.server,
        {
          APO_DATA_DIR: await ownedDataDir(),
          APO_HTTP_PORT: String(server.http),
          APO_GRPC_PORT: String(server.grpc),
          APO_ADMIN_TOKEN: ADMIN,
          APO_PROXY_TOKENS: PROXY_TOKEN,
        },
        `http://127.0.0.1:${server.http}/readyz`,
      );
      running.push(serverProc);
      started.push(serverProc);
      const proxyProc = await startBundleAsImage(
        built.bundles.proxy,
        {
          APO_PROXY_DATA_DIR: await ownedDataDir(),
          APO_PROXY_OTLP_HTTP_PORT: String(proxy.http),
          APO_PROXY_OTLP_GRPC_PORT: String(proxy.grpc),
          APO_PROXY_STATUS_PORT: String(proxy.status),
          APO_PROXY_EXPORT_URL: `http://127.0.0.1:${server.http}`,
          APO_PROXY_TOKEN: PROXY_TOKEN,
          APO_PROXY_AGENT_TOKENS: AGENT_TOKEN,
          APO_PROXY_KUBERNETES: 'off',
        },
        `http://127.0.0.1:${proxy.status}/healthz`,
      );
      running.push(proxyProc);
      started.push(proxyProc);
      const agentProc = await startBundleAsImage(
        built.bundles.agent,
        {
          APO_AGENT_DATA_DIR: await ownedDataDir(),
          APO_AGENT_OTLP_HTTP_PORT: String(agent.http),
          APO_AGENT_OTLP_GRPC_PORT: String(agent.grpc),
          APO_AGENT_STATUS_PORT: String(agent.status),
          APO_AGENT_EXPORT_URL: `http://127.0.0.1:${proxy.http}`,
          APO_AGENT_TOKEN: AGENT_TOKEN,
        },
        `http://127.0.0.1:${agent.status}/healthz`,
      );
      running.push(agentProc);
      started.push(agentProc);
      for (const p of started) {
        expect(p.uid).toBe(10001);
        expect(p.health).toMatchObject({ status: expect.stringMatching(/^(ok|ready)$/) as unknown });
      }
      // The image's environment put the receivers and status on every interface: reachable as the pod's IP.
      expect(proxyProc.health).toMatchObject({ agentAuth: true });
    },
    120_000,
  );
});
