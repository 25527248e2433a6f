/**
 * Where the proxy finds the Kubernetes API. `auto` (the default) means: inside a pod (the kubelet sets
 * KUBERNETES_SERVICE_HOST/PORT) use the pod's service account; elsewhere stay off, so a proxy on a laptop or
 * a VM runs without Kubernetes. `on` insists and fails the start when there is no API to use; `off` never
 * talks to Kubernetes. A kubeconfig file, when given, wins over the in-cluster account (for running the proxy
 * outside the cluster it watches).
 *
 * The environment is read by the proxy's env.ts and passed in here, never read directly.
 */
import { KubeConfig } from '@kubernetes/client-node';

export type KubernetesMode = 'auto' | 'on' | 'off';

export interface InClusterEnvironment {
  /** KUBERNETES_SERVICE_HOST */
  serviceHost?: string | undefined;
  /** KUBERNETES_SERVICE_PORT */
  servicePort?: string | undefined;
}

/** Where a pod's service account is mounted. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export class KubernetesConfigError extends Error {
  override readonly name = 'KubernetesConfigError';
}

/**
 * The same configuration as the client's `loadFromCluster`, built from the values given rather than from
 * process.env: the API server's service address, the mounted CA, and the mounted token, which the client
 * re-reads as the kubelet rotates it.
 */
function inClusterConfig(host: string, port: string, accountDir: string): KubeConfig {
  const kc = new KubeConfig();
  const server = host.includes(':') ? `[${host}]` : host;
  kc.loadFromOptions({
    clusters: [
      {
        name: 'in-cluster',
        server: `https://${server}:${port}`,
        caFile: `${accountDir}/ca.crt`,
        skipTLSVerify: false,
      },
    ],
    users: [
      {
        name: 'service-account',
        authProvider: { name: 'tokenFile', config: { tokenFile: `${accountDir}/token` } },
      },
    ],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'service-account' }],
    currentContext: 'in-cluster',
  });
  return kc;
}

/** The API to use, or undefined when Kubernetes is off (or `auto` outside a cluster). */
export function kubeConfigFor(
  mode: KubernetesMode,
  options: { kubeconfigPath?: string | undefined; serviceAccountDir?: string } & InClusterEnvironment = {},
): KubeConfig | undefined {
  if (mode === 'off') return undefined;
  if (options.kubeconfigPath !== undefined && options.kubeconfigPath !== '') {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(options.kubeconfigPath);
    } catch (err) {
      throw new KubernetesConfigError(
        `cannot read the kubeconfig ${JSON.stringify(options.kubeconfigPath)}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    if (kc.getCurrentCluster() === null) {
      throw new KubernetesConfigError(
        `the kubeconfig ${JSON.stringify(options.kubeconfigPath)} has no current context with a cluster`,
      );
    }
    return kc;
  }
  const { serviceHost, servicePort } = options;
  if (serviceHost !== undefined && serviceHost !== '' && servicePort !== undefined && servicePort !== '') {
    return inClusterConfig(serviceHost, servicePort, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  }
  if (mode === 'on') {
    throw new KubernetesConfigError(
      'kubernetes mode is "on" but the proxy is not running in a pod (KUBERNETES_SERVICE_HOST/PORT unset) and no kubeconfig file is configured',
    );
  }
  return undefined;
}
