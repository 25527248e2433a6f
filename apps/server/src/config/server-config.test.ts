import { describe, expect, it } from 'vitest';
import { defaultDataDir, isAllowedOrigin, resolveAuth, serverConfigSchema } from './server-config.ts';
import { ConfigError, loadServerConfig } from '../env.ts';

describe('server configuration', () => {
  it('has the documented defaults', () => {
    const config = loadServerConfig({ HOME: '/home/ana' });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      httpPort: 3300,
      grpcPort: 24317,
      defaultCluster: 'default',
      auth: { mode: 'auto', ingestTokens: [], proxyTokens: [] },
      storage: {
        engine: 'embedded',
        dataDir: '/home/ana/.local/share/apo/data',
        database: 'apo',
        ttlDays: { spans: 7, logs: 7, metrics: 30, events: 90, red: 40 },
      },
      ingest: { maxBodyBytes: 16 * 1024 * 1024, maxAttributes: 128 },
    });
    expect(defaultDataDir('/home/ana', '/xdg')).toBe('/xdg/apo/data');
  });

  it('takes the environment over the config file, and a remote ClickHouse by URL', () => {
    const config = loadServerConfig({
      APO_HTTP_PORT: '4000',
      APO_INGEST_TOKEN: 'a, b ,',
      APO_CLICKHOUSE_URL: 'https://ch.example:8443',
      APO_CLICKHOUSE_CLUSTER: 'main',
      APO_TTL_SPANS_DAYS: '3',
      APO_TTL_RED_DAYS: '60',
      APO_CORS_ORIGINS: 'https://console.example',
    });
    expect(config.httpPort).toBe(4000);
    expect(config.auth.ingestTokens).toEqual(['a', 'b']);
    expect(config.storage).toMatchObject({
      engine: 'remote',
      url: 'https://ch.example:8443',
      cluster: 'main',
      ttlDays: { spans: 3, red: 60 },
    });
    expect(config.corsOrigins).toEqual(['https://console.example']);
  });

  it('rejects bad values quoting them', () => {
    expect(() => loadServerConfig({ APO_GRPC_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadServerConfig({ APO_GRPC_PORT: '70000' })).toThrow(/grpcPort.*"70000"/s);
    expect(() => loadServerConfig({ APO_AUTH: 'maybe' })).toThrow(/auth\.mode.*"maybe"/s);
    expect(() => loadServerConfig({ APO_TTL_RED_DAYS: '30' })).toThrow(
      /storage\.ttlDays\.red: RED rollups are kept at least 35 days.*\(got "30"\)/s,
    );
    expect(() => loadServerConfig({ APO_CONFIG: '/nonexistent/apo.yaml' })).toThrow(
      /cannot read config file/,
    );
  });

  it('decides auth: on beyond loopback, off refused there, a token required when on', () => {
    const parse = (o: object) => serverConfigSchema.parse(o);
    expect(resolveAuth(parse({}))).toEqual({ enabled: false });
    expect(resolveAuth(parse({ host: '0.0.0.0', auth: { adminToken: 't' } }))).toEqual({ enabled: true });
    expect(resolveAuth(parse({ host: '0.0.0.0', auth: { mode: 'off' } })).problem).toMatch(/refused/);
    expect(resolveAuth(parse({ auth: { mode: 'on' } })).problem).toMatch(/no admin token/);
  });

  it('allows loopback origins and the configured ones, nothing else', () => {
    expect(isAllowedOrigin('http://127.0.0.1:5173', [])).toBe(true);
    expect(isAllowedOrigin('http://localhost:4173', [])).toBe(true);
    expect(isAllowedOrigin('https://evil.example', [])).toBe(false);
    expect(isAllowedOrigin('http://localhost.evil.example', [])).toBe(false);
    expect(isAllowedOrigin('https://console.example', ['https://console.example'])).toBe(true);
    expect(isAllowedOrigin('null', [])).toBe(false);
  });
});
