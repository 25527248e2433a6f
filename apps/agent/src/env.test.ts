import { describe, expect, it } from 'vitest';
import { EnvError, loadAgentEnv } from './env.ts';

describe('loadAgentEnv', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadAgentEnv({ HOME: '/home/ops' });
    expect(config).toEqual({
      otlpGrpcPort: 4317,
      otlpHttpPort: 4318,
      statusHost: '127.0.0.1',
      statusPort: 13133,
      exportUrl: 'http://127.0.0.1:3300',
      token: undefined,
      dataDir: '/home/ops/.local/share/apo/agent',
      hostIntervalSeconds: 15,
      logLevel: 'info',
    });
  });

  it('applies overrides and treats empty variables as unset', () => {
    const config = loadAgentEnv({
      HOME: '/home/ops',
      APO_AGENT_OTLP_GRPC_PORT: '5317',
      APO_AGENT_OTLP_HTTP_PORT: '5318',
      APO_AGENT_STATUS_PORT: '23133',
      APO_AGENT_EXPORT_URL: 'https://proxy.internal:14318/',
      APO_AGENT_TOKEN: 's3cret',
      APO_AGENT_DATA_DIR: '/var/lib/apo-agent',
      APO_AGENT_HOST_INTERVAL: '2.5',
      APO_AGENT_LOG_LEVEL: '',
    });
    expect(config).toMatchObject({
      otlpGrpcPort: 5317,
      otlpHttpPort: 5318,
      statusPort: 23133,
      exportUrl: 'https://proxy.internal:14318',
      token: 's3cret',
      dataDir: '/var/lib/apo-agent',
      hostIntervalSeconds: 2.5,
      logLevel: 'info',
    });
  });

  it('puts the default data dir under XDG_DATA_HOME when that is set', () => {
    expect(loadAgentEnv({ HOME: '/home/ops', XDG_DATA_HOME: '/data' }).dataDir).toBe('/data/apo/agent');
  });

  it.each(['abc', '0', '70000', '43.5', ' 4317'])('rejects the port value %j, quoting it', (bad) => {
    expect(() => loadAgentEnv({ APO_AGENT_STATUS_PORT: bad })).toThrow(EnvError);
    expect(() => loadAgentEnv({ APO_AGENT_STATUS_PORT: bad })).toThrow(
      `APO_AGENT_STATUS_PORT: must be a TCP port number 1-65535 (got ${JSON.stringify(bad)})`,
    );
  });

  it('reports every bad variable at once', () => {
    let message = '';
    try {
      loadAgentEnv({
        APO_AGENT_OTLP_GRPC_PORT: 'grpc',
        APO_AGENT_EXPORT_URL: 'ftp://server',
        APO_AGENT_HOST_INTERVAL: '0',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('APO_AGENT_OTLP_GRPC_PORT: must be a TCP port number 1-65535 (got "grpc")');
    expect(message).toContain(
      'APO_AGENT_EXPORT_URL: must be an http:// or https:// URL (got "ftp://server")',
    );
    expect(message).toContain('APO_AGENT_HOST_INTERVAL: must be more than 0 seconds (got "0")');
  });
});
