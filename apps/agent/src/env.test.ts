import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAgentConfig } from './env.ts';

describe('loadAgentConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadAgentConfig({ HOME: '/home/ops' });
    expect(config).toMatchObject({
      receivers: { host: '127.0.0.1', grpcPort: 4317, httpPort: 4318 },
      status: { host: '127.0.0.1', port: 13133 },
      export: { url: 'http://127.0.0.1:3300', concurrency: 8 },
      dataDir: '/home/ops/.local/share/apo/agent',
      host: { enabled: true, intervalSeconds: 15 },
      sampling: { enabled: true, decisionWaitSeconds: 10, holdSeconds: 15 },
      logLevel: 'info',
    });
    expect(config.export.token).toBeUndefined();
  });

  it('applies environment overrides and treats empty variables as unset', () => {
    const config = loadAgentConfig({
      HOME: '/home/ops',
      APO_AGENT_OTLP_GRPC_PORT: '5317',
      APO_AGENT_OTLP_HTTP_PORT: '5318',
      APO_AGENT_STATUS_PORT: '23133',
      APO_AGENT_EXPORT_URL: 'https://proxy.internal:14318/',
      APO_AGENT_TOKEN: 's3cret',
      APO_AGENT_DATA_DIR: '/var/lib/apo-agent',
      APO_AGENT_HOST_INTERVAL: '2.5',
      APO_AGENT_HOST_NAME: 'node-7',
      APO_AGENT_SAMPLING: 'off',
      APO_AGENT_LOG_LEVEL: '',
    });
    expect(config).toMatchObject({
      receivers: { grpcPort: 5317, httpPort: 5318 },
      status: { port: 23133 },
      export: { url: 'https://proxy.internal:14318', token: 's3cret' },
      dataDir: '/var/lib/apo-agent',
      host: { intervalSeconds: 2.5, name: 'node-7' },
      sampling: { enabled: false },
      logLevel: 'info',
    });
  });

  it('puts the default data dir under XDG_DATA_HOME when that is set', () => {
    expect(loadAgentConfig({ HOME: '/home/ops', XDG_DATA_HOME: '/data' }).dataDir).toBe('/data/apo/agent');
  });

  it('reads a YAML file, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apo-agent-config-'));
    const file = join(dir, 'agent.yaml');
    writeFileSync(
      file,
      'export:\n  url: http://server:3300\nsampling:\n  spanBudgetPerSecond: 50\nprometheus:\n  targets:\n    - { url: "http://127.0.0.1:9100/metrics", job: node }\n',
    );
    const config = loadAgentConfig({ HOME: '/h', APO_AGENT_EXPORT_URL: 'http://proxy:14318' }, file);
    expect(config.export.url).toBe('http://proxy:14318');
    expect(config.sampling.spanBudgetPerSecond).toBe(50);
    expect(config.prometheus.targets).toEqual([
      { url: 'http://127.0.0.1:9100/metrics', job: 'node', intervalSeconds: 15 },
    ]);
  });

  it.each(['abc', '0', '70000', '43.5', ' 4317'])('rejects the port value %j, quoting it', (bad) => {
    expect(() => loadAgentConfig({ HOME: '/h', APO_AGENT_STATUS_PORT: bad })).toThrow(ConfigError);
    expect(() => loadAgentConfig({ HOME: '/h', APO_AGENT_STATUS_PORT: bad })).toThrow(
      `status.port: must be a TCP port number 1-65535 (got ${JSON.stringify(bad)})`,
    );
  });

  it('reports every bad setting at once', () => {
    let message = '';
    try {
      loadAgentConfig({
        HOME: '/h',
        APO_AGENT_OTLP_GRPC_PORT: 'grpc',
        APO_AGENT_EXPORT_URL: 'ftp://server',
        APO_AGENT_HOST_INTERVAL: '0',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('receivers.grpcPort: must be a TCP port number 1-65535 (got "grpc")');
    expect(message).toContain('export.url: must be an http:// or https:// URL (got "ftp://server")');
    expect(message).toContain('host.intervalSeconds: must be more than 0 seconds (got "0")');
  });

  it('accepts the documented example (docs/agent.example.yaml), with its defaults', () => {
    const example = fileURLToPath(new URL('../../../docs/agent.example.yaml', import.meta.url));
    const fromFile = loadAgentConfig({ HOME: '/h' }, example);
    expect(fromFile).toEqual(loadAgentConfig({ HOME: '/h' }));
  });

  it('names a missing or broken config file', () => {
    expect(() => loadAgentConfig({ HOME: '/h' }, '/nonexistent/agent.yaml')).toThrow(
      'cannot read config file "/nonexistent/agent.yaml"',
    );
  });
});
