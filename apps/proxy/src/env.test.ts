import { describe, expect, it } from 'vitest';
import { EnvError, loadProxyEnv } from './env.ts';

describe('loadProxyEnv', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadProxyEnv({ HOME: '/home/ops' })).toEqual({
      otlpGrpcPort: 14317,
      otlpHttpPort: 14318,
      statusHost: '127.0.0.1',
      statusPort: 13134,
      exportUrl: 'http://127.0.0.1:3300',
      token: undefined,
      agentTokens: [],
      clusterId: 'default',
      dataDir: '/home/ops/.local/share/apo/proxy',
      logLevel: 'info',
    });
  });

  it('applies overrides, splits the agent token list and treats empty variables as unset', () => {
    const config = loadProxyEnv({
      HOME: '/home/ops',
      APO_PROXY_OTLP_GRPC_PORT: '4317',
      APO_PROXY_OTLP_HTTP_PORT: '4318',
      APO_PROXY_STATUS_PORT: '9000',
      APO_PROXY_EXPORT_URL: 'https://apo.example.com/',
      APO_PROXY_TOKEN: 'proxy-secret',
      APO_PROXY_AGENT_TOKENS: ' a1, a2 ,,a3 ',
      APO_PROXY_CLUSTER_ID: 'eu-west-1.prod',
      APO_PROXY_DATA_DIR: '/var/lib/apo-proxy',
      APO_PROXY_LOG_LEVEL: '',
    });
    expect(config).toMatchObject({
      otlpGrpcPort: 4317,
      otlpHttpPort: 4318,
      statusPort: 9000,
      exportUrl: 'https://apo.example.com',
      token: 'proxy-secret',
      agentTokens: ['a1', 'a2', 'a3'],
      clusterId: 'eu-west-1.prod',
      dataDir: '/var/lib/apo-proxy',
      logLevel: 'info',
    });
  });

  it.each(['abc', '0', '65536', '1e3'])('rejects the port value %j, quoting it', (bad) => {
    expect(() => loadProxyEnv({ APO_PROXY_OTLP_HTTP_PORT: bad })).toThrow(EnvError);
    expect(() => loadProxyEnv({ APO_PROXY_OTLP_HTTP_PORT: bad })).toThrow(
      `APO_PROXY_OTLP_HTTP_PORT: must be a TCP port number 1-65535 (got ${JSON.stringify(bad)})`,
    );
  });

  it('rejects a cluster id that could not be a table value or filter, quoting it', () => {
    expect(() => loadProxyEnv({ APO_PROXY_CLUSTER_ID: "prod'; DROP" })).toThrow(
      `APO_PROXY_CLUSTER_ID: must be 1-128 characters of letters, digits, ".", "_" or "-" (got "prod'; DROP")`,
    );
  });

  it('rejects a non-http export URL, quoting it', () => {
    expect(() => loadProxyEnv({ APO_PROXY_EXPORT_URL: 'apo.example.com:3300' })).toThrow(
      'APO_PROXY_EXPORT_URL: must be an http:// or https:// URL (got "apo.example.com:3300")',
    );
  });
});
