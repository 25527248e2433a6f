import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { agentTokenEntries } from './config/proxy-config.ts';
import { ConfigError, loadProxyConfig } from './env.ts';

const HOME = { HOME: '/home/ops' };
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return '';
}

async function configFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'apo-proxy-config-'));
  dirs.push(dir);
  const path = join(dir, 'proxy.yaml');
  await writeFile(path, text);
  return path;
}

describe('loadProxyConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadProxyConfig(HOME);
    expect(config).toEqual({
      logLevel: 'info',
      dataDir: '/home/ops/.local/share/apo/proxy',
      clusterId: 'default',
      receivers: {
        host: '127.0.0.1',
        grpcPort: 14317,
        httpPort: 14318,
        maxBodyBytes: 16 * 1024 * 1024,
        maxInFlightBytes: 256 * 1024 * 1024,
      },
      connections: {
        headersTimeoutSeconds: 10,
        requestTimeoutSeconds: 60,
        keepAliveTimeoutSeconds: 30,
        maxConnections: 4096,
        grpcIdleTimeoutSeconds: 300,
        grpcMaxAgeSeconds: 1800,
      },
      status: { host: '127.0.0.1', port: 13134 },
      export: {
        url: 'http://127.0.0.1:3300',
        concurrency: 16,
        queueMaxBytes: 1024 * 1024 * 1024,
        timeoutSeconds: 30,
        drainSeconds: 5,
      },
      agents: { tokens: [], rateLimit: { itemsPerSecond: 0, burst: 0 }, maxTracked: 1000 },
      kubernetes: { mode: 'auto' },
    });
  });

  it('applies the issue’s variables, splits the agent token list and treats empty variables as unset', () => {
    const config = loadProxyConfig({
      ...HOME,
      APO_PROXY_OTLP_GRPC_PORT: '4317',
      APO_PROXY_OTLP_HTTP_PORT: '4318',
      APO_PROXY_STATUS_PORT: '9000',
      APO_PROXY_EXPORT_URL: 'https://apo.example.com/',
      APO_PROXY_TOKEN: 'proxy-secret',
      APO_PROXY_AGENT_TOKENS: ' a1, a2 ,,a3 ',
      APO_PROXY_CLUSTER_ID: 'eu-west-1.prod',
      APO_PROXY_DATA_DIR: '/var/lib/apo-proxy',
      APO_PROXY_LOG_LEVEL: '',
      APO_PROXY_KUBERNETES: 'off',
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
    });
    expect(config).toMatchObject({
      receivers: { grpcPort: 4317, httpPort: 4318 },
      status: { port: 9000 },
      export: { url: 'https://apo.example.com', token: 'proxy-secret' },
      agents: { tokens: ['a1', 'a2', 'a3'] },
      clusterId: 'eu-west-1.prod',
      dataDir: '/var/lib/apo-proxy',
      logLevel: 'info',
      kubernetes: { mode: 'off', serviceHost: '10.0.0.1' },
    });
    expect(agentTokenEntries(config.agents).map((e) => e.name)).toEqual(['token-1', 'token-2', 'token-3']);
  });

  it.each(['abc', '0', '65536', '1e3'])('rejects the port value %j, quoting it', (bad) => {
    expect(() => loadProxyConfig({ ...HOME, APO_PROXY_OTLP_HTTP_PORT: bad })).toThrow(ConfigError);
    expect(() => loadProxyConfig({ ...HOME, APO_PROXY_OTLP_HTTP_PORT: bad })).toThrow(
      `receivers.httpPort: must be a TCP port number 1-65535 (got ${JSON.stringify(bad)})`,
    );
  });

  it('rejects a cluster id the server would refuse (its rule: 1-64 safe characters), quoting it', () => {
    expect(() => loadProxyConfig({ ...HOME, APO_PROXY_CLUSTER_ID: "prod'; DROP" })).toThrow(
      `clusterId: must be 1-64 characters of letters, digits, ".", "_" or "-" (got "prod'; DROP")`,
    );
    expect(loadProxyConfig({ ...HOME, APO_PROXY_CLUSTER_ID: 'c'.repeat(64) }).clusterId).toHaveLength(64);
    expect(() => loadProxyConfig({ ...HOME, APO_PROXY_CLUSTER_ID: 'c'.repeat(65) })).toThrow(/clusterId/);
  });

  it('rejects a non-http export URL, quoting it', () => {
    expect(() => loadProxyConfig({ ...HOME, APO_PROXY_EXPORT_URL: 'apo.example.com:3300' })).toThrow(
      'export.url: must be an http:// or https:// URL (got "apo.example.com:3300")',
    );
  });

  it('refuses to listen beyond loopback without agent tokens, and allows it with them', () => {
    expect(() => loadProxyConfig({ ...HOME, APO_PROXY_OTLP_HOST: '0.0.0.0' })).toThrow(
      /receivers\.host: receiving beyond loopback needs agent tokens/,
    );
    expect(
      loadProxyConfig({ ...HOME, APO_PROXY_OTLP_HOST: '0.0.0.0', APO_PROXY_AGENT_TOKENS: 'a1' }).receivers
        .host,
    ).toBe('0.0.0.0');
    expect(loadProxyConfig({ ...HOME, APO_PROXY_OTLP_HOST: '127.0.0.2' }).receivers.host).toBe('127.0.0.2');
  });

  it('reads a YAML file, lets the environment win, and names and limits file tokens', async () => {
    const path = await configFile(
      [
        'clusterId: from-file',
        'receivers: { httpPort: 5000 }',
        'agents:',
        '  rateLimit: { itemsPerSecond: 1000, burst: 2000 }',
        '  tokens:',
        '    - plain-secret',
        '    - { name: web, token: web-secret, itemsPerSecond: 50 }',
        'kubernetes: { mode: on, kubeconfig: /etc/kube.yaml }',
      ].join('\n'),
    );
    const config = loadProxyConfig({ ...HOME, APO_PROXY_CLUSTER_ID: 'from-env' }, path);
    expect(config.clusterId).toBe('from-env');
    expect(config.receivers.httpPort).toBe(5000);
    expect(config.kubernetes).toEqual({ mode: 'on', kubeconfig: '/etc/kube.yaml' });
    expect(agentTokenEntries(config.agents)).toEqual([
      { name: 'token-1', token: 'plain-secret', itemsPerSecond: 1000, burst: 2000 },
      { name: 'web', token: 'web-secret', itemsPerSecond: 50, burst: 2000 },
    ]);
    // The variable replaces the file's tokens.
    const fromEnv = loadProxyConfig({ ...HOME, APO_PROXY_AGENT_TOKENS: 'x' }, path);
    expect(fromEnv.agents.tokens).toEqual(['x']);
  });

  it('never quotes a token in an error, and reports every problem at once', async () => {
    const bad = await configFile('agents:\n  tokens:\n    - { name: "bad name!", token: "" }\n    - 42\n');
    const message = errorOf(() => loadProxyConfig({ ...HOME, APO_PROXY_STATUS_PORT: 'x' }, bad));
    expect(message).toContain('agents.tokens.0.name');
    expect(message).toContain('agents.tokens.1');
    expect(message).toContain('status.port');
    const duplicate = await configFile(
      'agents:\n  tokens:\n    - very-secret-token\n    - very-secret-token\n',
    );
    const second = errorOf(() => loadProxyConfig(HOME, duplicate));
    expect(second).toContain('agents.tokens.1: duplicate agent token');
    // parseConfig quotes the value at the path: here the token itself, which must be hidden.
    expect(second).toContain('(value hidden)');
    expect(second).not.toContain('very-secret-token');
  });

  it('parses the documented example docs/proxy.example.yaml', () => {
    const example = fileURLToPath(new URL('../../../docs/proxy.example.yaml', import.meta.url));
    const config = loadProxyConfig(HOME, example);
    expect(config.receivers).toMatchObject({ grpcPort: 14317, httpPort: 14318 });
    expect(config.agents.tokens.length).toBeGreaterThan(0);
  });
});
