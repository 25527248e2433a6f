import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor, KubernetesConfigError } from './kube-config.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-kubeconfig-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: prod-eu
  cluster:
    server: https://k8s.prod-eu.example.com:6443
    certificate-authority: ca.pem
users:
- name: apo-proxy
  user:
    token: t0ken
contexts:
- name: prod-eu
  context: { cluster: prod-eu, user: apo-proxy }
current-context: prod-eu
`;

describe('kubeConfigFor', () => {
  it('is off when asked, and off in auto mode outside a cluster', () => {
    expect(kubeConfigFor('off', { serviceHost: '10.96.0.1', servicePort: '443' })).toBeUndefined();
    expect(kubeConfigFor('auto')).toBeUndefined();
    expect(kubeConfigFor('auto', { serviceHost: '', servicePort: '' })).toBeUndefined();
  });

  it('refuses "on" when there is no API to talk to, saying why', () => {
    expect(() => kubeConfigFor('on')).toThrow(KubernetesConfigError);
    expect(() => kubeConfigFor('on')).toThrow(/not running in a pod .*no kubeconfig/);
  });

  it('uses the pod’s service account inside a cluster (auto or on)', () => {
    for (const mode of ['auto', 'on'] as const) {
      const kc = kubeConfigFor(mode, {
        serviceHost: '10.96.0.1',
        servicePort: '443',
        serviceAccountDir: '/sa',
      });
      expect(kc?.getCurrentCluster()).toMatchObject({
        server: 'https://10.96.0.1:443',
        caFile: '/sa/ca.crt',
        skipTLSVerify: false,
      });
      expect(kc?.getCurrentUser()?.authProvider).toEqual({
        name: 'tokenFile',
        config: { tokenFile: '/sa/token' },
      });
    }
    const v6 = kubeConfigFor('auto', { serviceHost: 'fd00::1', servicePort: '443' });
    expect(v6?.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');
  });

  it('prefers a kubeconfig file, with paths relative to it', async () => {
    const path = join(dir, 'config');
    await writeFile(path, kubeconfig);
    const kc = kubeConfigFor('auto', { kubeconfigPath: path, serviceHost: '10.96.0.1', servicePort: '443' });
    expect(kc?.getCurrentCluster()).toMatchObject({
      server: 'https://k8s.prod-eu.example.com:6443',
      caFile: join(dir, 'ca.pem'),
    });
    expect(kc?.getCurrentUser()?.token).toBe('t0ken');
  });

  it('names the kubeconfig it cannot read', () => {
    const missing = join(dir, 'missing');
    expect(() => kubeConfigFor('auto', { kubeconfigPath: missing })).toThrow(
      `cannot read the kubeconfig "${missing}"`,
    );
  });
});
