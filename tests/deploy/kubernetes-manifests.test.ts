/**
 * Every overlay under deploy/kubernetes, rendered with `kubectl kustomize` as CI does, checked against the
 * components themselves: the settings each manifest gives a component (variables, Secrets, the downward
 * API, its ConfigMap file) are parsed by that component's own loader and schema; every port a probe, a
 * Service or a NetworkPolicy names is the one the component listens on; the proxy's RBAC equals the API
 * calls its Kubernetes code makes; containers run as non-root with nothing to escalate; resources are set.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import agentPackage from '../../apps/agent/package.json' with { type: 'json' };
import proxyPackage from '../../apps/proxy/package.json' with { type: 'json' };
import serverPackage from '../../apps/server/package.json' with { type: 'json' };
import { allowedHostsOf, isAllowedHost } from '../../apps/server/src/http/allowed-hosts.ts';
import type { AppName } from '../../deploy/bundles/bundled-apps.ts';
import { listeningPorts, loadComponentConfig } from './support/component-config.ts';
import { observeProxyApiCalls, type ApiCall } from './support/proxy-api-calls.ts';
import { renderOverlays, type KubeObject } from './support/rendered-manifests.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}
interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
}
interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  ports?: ContainerPort[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  serviceAccountName?: string;
  hostPID?: boolean;
  hostNetwork?: boolean;
  tolerations?: { operator?: string }[];
  priorityClassName?: string;
  volumes?: { name: string; configMap?: { name: string }; hostPath?: { path: string } }[];
}
interface Workload extends KubeObject {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

const versions: Record<AppName, string> = {
  agent: agentPackage.version,
  proxy: proxyPackage.version,
  server: serverPackage.version,
};
const apps: Record<string, AppName> = { 'apo-agent': 'agent', 'apo-proxy': 'proxy', 'apo-server': 'server' };
/** What the downward API would give, for the fields the manifests use. */
const fieldValues: Record<string, string> = {
  'spec.nodeName': 'node-a',
  'metadata.name': 'pod-a',
  'metadata.namespace': 'apo',
  'status.hostIP': '10.0.0.1',
  'status.podIP': '10.1.0.1',
};

const workloadsOf = (objects: KubeObject[]) =>
  objects.filter((o): o is Workload => ['DaemonSet', 'Deployment', 'StatefulSet'].includes(o.kind));
const appOf = (w: Workload): AppName => {
  const app = apps[w.spec.template.metadata.labels['app.kubernetes.io/name'] ?? ''];
  if (app === undefined) throw new Error(`${w.kind}/${w.metadata.name} is no APO component`);
  return app;
};
const find = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`the render has no ${kind}/${name}`);
  return found;
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

let rendered: Map<string, KubeObject[]>;
let work: string;

beforeAll(async () => {
  rendered = await renderOverlays();
  work = await mkdtemp(join(tmpdir(), 'apo-manifest-config-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * The environment a container would start with (Secrets and ConfigMaps resolved from the render, the
 * downward API from `fieldValues`), its ConfigMap-mounted files written under `root` and the variables
 * pointing there.
 */
async function containerEnvironment(
  objects: KubeObject[],
  pod: PodSpec,
  container: Container,
  root: string,
): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const v of container.env ?? []) {
    const from = v.valueFrom;
    if (v.value !== undefined) env[v.name] = v.value;
    else if (from?.secretKeyRef) {
      const secret = find(objects, 'Secret', from.secretKeyRef.name) as { data?: Record<string, string> };
      const data = secret.data?.[from.secretKeyRef.key];
      if (data === undefined)
        throw new Error(`${v.name}: Secret ${from.secretKeyRef.name} has no ${from.secretKeyRef.key}`);
      env[v.name] = Buffer.from(data, 'base64').toString('utf8');
    } else if (from?.configMapKeyRef) {
      const map = find(objects, 'ConfigMap', from.configMapKeyRef.name) as { data?: Record<string, string> };
      env[v.name] = map.data?.[from.configMapKeyRef.key] ?? '';
    } else if (from?.fieldRef) {
      const value = fieldValues[from.fieldRef.fieldPath];
      if (value === undefined) throw new Error(`${v.name}: no stand-in value for ${from.fieldRef.fieldPath}`);
      env[v.name] = value;
    } else throw new Error(`${v.name}: a kind of value this test does not resolve`);
  }
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((vol) => vol.name === mount.name);
    if (volume?.configMap === undefined) continue;
    const map = find(objects, 'ConfigMap', volume.configMap.name) as { data?: Record<string, string> };
    for (const [file, text] of Object.entries(map.data ?? {})) {
      const path = join(root, mount.mountPath, file);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
    }
    for (const [name, value] of Object.entries(env))
      if (value.startsWith(`${mount.mountPath}/`)) env[name] = join(root, value);
  }
  return env;
}

/** The components' containers of every overlay, with the configuration each would start with. */
async function everyComponent() {
  const out = [];
  for (const [overlay, objects] of rendered)
    for (const workload of workloadsOf(objects)) {
      const app = appOf(workload);
      const pod = workload.spec.template.spec;
      expect(pod.containers, `${overlay} ${workload.metadata.name}: one container`).toHaveLength(1);
      const container = pod.containers[0]!;
      const root = join(work, overlay, workload.metadata.name);
      const env = await containerEnvironment(objects, pod, container, root);
      const where = `${overlay}: ${workload.kind}/${workload.metadata.name}`;
      out.push({ overlay, objects, workload, app, pod, container, env, where });
    }
  return out;
}

describe('Kubernetes manifests (kubectl kustomize of every overlay)', () => {
  it('renders the three overlays with the components each is meant to run', () => {
    const kinds = (overlay: string) =>
      workloadsOf(rendered.get(overlay) ?? [])
        .map((w) => `${w.kind}/${w.metadata.name}`)
        .sort();
    expect([...rendered.keys()].sort()).toEqual(['agents-only', 'external-clickhouse', 'single-cluster']);
    expect(kinds('single-cluster')).toEqual([
      'DaemonSet/apo-agent',
      'Deployment/apo-proxy',
      'StatefulSet/apo-server',
    ]);
    expect(kinds('agents-only')).toEqual(['DaemonSet/apo-agent', 'Deployment/apo-proxy']);
    expect(kinds('external-clickhouse')).toEqual([
      'DaemonSet/apo-agent',
      'Deployment/apo-proxy',
      'Deployment/apo-server',
    ]);
  });

  it('sets only variables the component reads, and its own loader accepts the whole configuration', async () => {
    for (const { app, env, where, overlay } of await everyComponent()) {
      const { config, ignored } = loadComponentConfig(app, env);
      expect(ignored, `${where}: variables ${app} never reads`).toEqual([]);
      // The configuration file is used, not just accepted: each names the data volume (a server storing
      // into ClickHouse keeps nothing on disk).
      const remote = overlay === 'external-clickhouse' && app === 'server';
      const dataDir =
        app === 'server'
          ? (config as { storage: { dataDir?: string } }).storage.dataDir
          : (config as { dataDir: string }).dataDir;
      if (!remote) expect(dataDir, where).toBe('/var/lib/apo');
      const token = (config as { export?: { token?: string } }).export?.token;
      if (app === 'agent') {
        expect(config).toMatchObject({ host: { name: 'node-a' } });
        expect(token, where).toMatch(/^replace-with-/);
      }
      if (app === 'proxy') {
        expect(config).toMatchObject({ kubernetes: { mode: 'on' } });
        expect(token, where).toMatch(/^replace-with-/);
        const url = (config as { export: { url: string } }).export.url;
        if (overlay === 'agents-only') expect(url, where).not.toContain('apo-server');
        else expect(url, where).toBe('http://apo-server:3300');
      }
      if (app === 'server')
        expect((config as { storage: { engine: string } }).storage.engine).toBe(
          overlay === 'external-clickhouse' ? 'remote' : 'embedded',
        );
    }
  });

  it("lets the server's API answer to its Service's names and to loopback (port-forward), not to any name", async () => {
    const servers = (await everyComponent()).filter((c) => c.app === 'server');
    expect(servers.map((s) => s.overlay).sort()).toEqual(['external-clickhouse', 'single-cluster']);
    for (const { env, objects, workload, where } of servers) {
      const config = loadComponentConfig('server', env).config;
      // What the server's Host check (http/allowed-hosts.ts) uses, from its own configuration.
      const allowed = allowedHostsOf(config.allowedHosts, config.host);
      const services = objects.filter(
        (o) =>
          o.kind === 'Service' &&
          selects(
            (o as unknown as { spec: { selector: Record<string, string> } }).spec.selector,
            workload.spec.template.metadata.labels,
          ),
      );
      expect(services, where).not.toHaveLength(0);
      const port = config.httpPort;
      for (const service of services) {
        const [name, namespace] = [service.metadata.name, service.metadata.namespace ?? 'default'];
        // The names cluster DNS gives the Service, as a client in the cluster may write them.
        for (const host of [
          name,
          `${name}.${namespace}`,
          `${name}.${namespace}.svc`,
          `${name}.${namespace}.svc.cluster.local`,
        ])
          expect(isAllowedHost(`${host}:${port}`, allowed), `${where}: Host ${host}`).toBe(true);
      }
      for (const host of ['localhost', '127.0.0.1', '[::1]'])
        expect(isAllowedHost(`${host}:${port}`, allowed), `${where}: Host ${host}`).toBe(true);
      expect(allowed, `${where}: not every name`).not.toContain('*');
      expect(isAllowedHost('rebound.attacker.example', allowed), where).toBe(false);
    }
  });

  it('names, in probes, Services and NetworkPolicies, only the ports the components listen on', async () => {
    const components = await everyComponent();
    for (const { app, env, container, where } of components) {
      const ports = listeningPorts(app, loadComponentConfig(app, env).config);
      expect(ports.healthHost, `${where}: probes come from outside the pod`).toBe('0.0.0.0');
      const byName = new Map((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      const expected: Record<string, number> =
        app === 'server'
          ? { http: ports.otlpHttp, 'otlp-grpc': ports.otlpGrpc }
          : { 'otlp-grpc': ports.otlpGrpc, 'otlp-http': ports.otlpHttp, status: ports.health };
      expect(Object.fromEntries(byName), `${where}: container ports`).toEqual(expected);
      for (const p of container.ports ?? [])
        if (p.hostPort !== undefined) expect(p.hostPort, where).toBe(p.containerPort);
      for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
        if (probe === undefined) continue;
        const port = probe.httpGet?.port;
        const number = typeof port === 'number' ? port : byName.get(port);
        expect(number, `${where}: probe ${probe.httpGet?.path} on ${String(port)}`).toBe(ports.health);
        expect(['/healthz', '/readyz']).toContain(probe.httpGet?.path);
        if (probe.httpGet?.path === '/readyz') expect(app).toBe('server');
      }
      // The image built from deploy/containers/apo-<component>.Containerfile, tagged with the component's version.
      expect(container.image, where).toBe(`apo-${app}:${versions[app]}`);
      expect(container.livenessProbe, where).toBeDefined();
      expect(container.readinessProbe, where).toBeDefined();
    }
    for (const [overlay, objects] of rendered) {
      const workloads = workloadsOf(objects);
      const podsOf = (selector: Record<string, string>) =>
        workloads.filter((w) => selects(selector, w.spec.template.metadata.labels));
      for (const service of objects.filter((o) => o.kind === 'Service') as (KubeObject & {
        spec: {
          selector: Record<string, string>;
          ports: { name: string; port: number; targetPort: string | number }[];
        };
      })[]) {
        const targets = podsOf(service.spec.selector);
        expect(targets, `${overlay}: Service ${service.metadata.name} selects a component`).toHaveLength(1);
        const container = targets[0]!.spec.template.spec.containers[0]!;
        for (const port of service.spec.ports) {
          const target = container.ports?.find(
            (p) => p.name === port.targetPort || p.containerPort === port.targetPort,
          );
          expect(target, `${overlay}: Service ${service.metadata.name} port ${port.name}`).toBeDefined();
          expect(port.port, `${overlay}: ${service.metadata.name} keeps the component's port number`).toBe(
            target!.containerPort,
          );
        }
      }
      for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy') as (KubeObject & {
        spec: {
          podSelector: { matchLabels?: Record<string, string> };
          ingress?: { ports?: { port: string | number }[] }[];
        };
      })[]) {
        const targets = podsOf(policy.spec.podSelector.matchLabels ?? {});
        for (const rule of policy.spec.ingress ?? [])
          for (const port of rule.ports ?? [])
            for (const target of targets)
              expect(
                target.spec.template.spec.containers[0]!.ports?.some(
                  (p) => p.name === port.port || p.containerPort === port.port,
                ),
                `${overlay}: NetworkPolicy ${policy.metadata.name} port ${String(port.port)}`,
              ).toBe(true);
      }
      // Everything not let in by a component's policy is denied.
      expect(
        objects.some(
          (o) =>
            o.kind === 'NetworkPolicy' &&
            (
              o as unknown as { spec: { podSelector: object; policyTypes: string[] } }
            ).spec.policyTypes.includes('Ingress') &&
            Object.keys((o as unknown as { spec: { podSelector: object } }).spec.podSelector).length === 0,
        ),
      ).toBe(true);
      for (const w of workloads)
        expect(
          objects.some(
            (o) =>
              o.kind === 'NetworkPolicy' &&
              selects(
                (o as unknown as { spec: { podSelector: { matchLabels?: Record<string, string> } } }).spec
                  .podSelector.matchLabels ?? { none: 'x' },
                w.spec.template.metadata.labels,
              ),
          ),
          `${overlay}: ${w.metadata.name} has its own NetworkPolicy`,
        ).toBe(true);
    }
  });

  it('grants the proxy exactly the Kubernetes API calls its code makes, and no one else anything', async () => {
    const calls = await observeProxyApiCalls();
    const asRules = (list: Pick<ApiCall, 'apiGroup' | 'resource' | 'verb'>[]) =>
      [...new Set(list.map((c) => `${c.apiGroup}/${c.resource}:${c.verb}`))].sort();
    expect(
      calls.every((c) => !c.namespaced),
      'cluster-wide calls, hence a ClusterRole',
    ).toBe(true);
    for (const [overlay, objects] of rendered) {
      const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role') as (KubeObject & {
        rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
      })[];
      expect(
        roles.map((r) => `${r.kind}/${r.metadata.name}`),
        overlay,
      ).toEqual(['ClusterRole/apo-proxy']);
      const granted = roles[0]!.rules.flatMap((rule) =>
        rule.apiGroups.flatMap((apiGroup) =>
          rule.resources.flatMap((resource) =>
            rule.verbs.map((verb) => ({ apiGroup, resource, verb: verb as 'list' })),
          ),
        ),
      );
      expect(asRules(granted), overlay).toEqual(asRules(calls));
      const bindings = objects.filter(
        (o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding',
      ) as (KubeObject & {
        roleRef: { kind: string; name: string };
        subjects: { kind: string; name: string; namespace: string }[];
      })[];
      const proxy = find(objects, 'Deployment', 'apo-proxy') as Workload;
      expect(
        bindings.map((b) => ({ role: b.roleRef, subjects: b.subjects })),
        overlay,
      ).toEqual([
        {
          role: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'apo-proxy' },
          subjects: [
            {
              kind: 'ServiceAccount',
              name: proxy.spec.template.spec.serviceAccountName,
              namespace: proxy.metadata.namespace,
            },
          ],
        },
      ]);
    }
  }, 30_000);

  it('runs every container as non-root, without privilege escalation or capabilities, on a read-only root', async () => {
    for (const { pod, container, where } of await everyComponent()) {
      const sc = { ...pod.securityContext, ...container.securityContext };
      expect(sc.runAsNonRoot, where).toBe(true);
      expect(sc.runAsUser, where).toBeGreaterThan(0);
      expect(sc.allowPrivilegeEscalation, where).toBe(false);
      expect(sc.privileged ?? false, where).toBe(false);
      expect(sc.readOnlyRootFilesystem, where).toBe(true);
      expect(sc.capabilities?.drop, where).toEqual(['ALL']);
      expect(sc.capabilities?.add ?? [], where).toEqual([]);
      expect(pod.hostNetwork ?? false, where).toBe(false);
      expect(pod.initContainers ?? [], where).toEqual([]);
      // Only the agent sees the host: its process table, and the node's logs read-only.
      expect(pod.hostPID ?? false, where).toBe(container.name === 'agent');
      for (const volume of pod.volumes ?? [])
        if (volume.hostPath !== undefined) {
          expect(container.name, where).toBe('agent');
          expect(
            container.volumeMounts?.find((m) => m.name === volume.name)?.readOnly,
            `${where}: ${volume.hostPath.path}`,
          ).toBe(true);
        }
    }
  });

  it('gives every container requests and limits, and the agent a priority class and every node', async () => {
    for (const { pod, container, where, objects, workload } of await everyComponent()) {
      expect(Object.keys(container.resources?.requests ?? {}).sort(), where).toEqual(['cpu', 'memory']);
      expect(Object.keys(container.resources?.limits ?? {}).sort(), where).toEqual(['cpu', 'memory']);
      if (workload.kind === 'DaemonSet') {
        expect(pod.tolerations, where).toEqual([{ operator: 'Exists' }]);
        expect(pod.priorityClassName, where).toBeDefined();
        find(objects, 'PriorityClass', pod.priorityClassName!);
      }
      if (workload.kind === 'Deployment' && workload.metadata.name === 'apo-proxy') {
        const budget = find(objects, 'PodDisruptionBudget', 'apo-proxy') as unknown as {
          spec: { selector: { matchLabels: Record<string, string> } };
        };
        expect(selects(budget.spec.selector.matchLabels, workload.spec.template.metadata.labels)).toBe(true);
      }
      if (workload.kind === 'StatefulSet')
        expect(
          (
            workload.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }
          ).volumeClaimTemplates?.map((v) => v.metadata.name),
        ).toEqual(['data']);
    }
  });
});
