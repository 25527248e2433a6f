import { describe, expect, it } from 'vitest';
import { defaultDataDir, isAllowedOrigin, resolveAuth, serverConfigSchema } from './server-config.ts';
import { ConfigError, loadServerConfig } from '../env.ts';
import { allowedHostsOf, isAllowedHost } from '../http/allowed-hosts.ts';

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
      APO_INGEST_TOKEN: 'ingest-token-aaaaaaaa, ingest-token-bbbbbbbb ,',
      APO_CLICKHOUSE_URL: 'https://ch.example:8443',
      APO_CLICKHOUSE_CLUSTER: 'main',
      APO_TTL_SPANS_DAYS: '3',
      APO_TTL_RED_DAYS: '60',
      APO_CORS_ORIGINS: 'https://console.example',
    });
    expect(config.httpPort).toBe(4000);
    expect(config.auth.ingestTokens).toEqual(['ingest-token-aaaaaaaa', 'ingest-token-bbbbbbbb']);
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
    expect(() =>
      loadServerConfig({ APO_HEADERS_TIMEOUT_MS: '90000', APO_REQUEST_TIMEOUT_MS: '60000' }),
    ).toThrow(/connections\.headersTimeoutMs: headersTimeoutMs must not be more than requestTimeoutMs/);
    expect(() => loadServerConfig({ APO_JOB_LEASE_MS: '20000' })).toThrow(
      /jobs\.leaseMs: leaseMs \(APO_JOB_LEASE_MS\) must be at least twice the topology interval/,
    );
    expect(loadServerConfig({}).jobs.leaseMs).toBe(60_000);
  });

  it('refuses tokens shorter than 16 characters, naming the variable and not the value', () => {
    const problem = (env: Record<string, string>) => {
      try {
        loadServerConfig(env);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    };
    expect(problem({ APO_ADMIN_TOKEN: 'x' })).toContain(
      'APO_ADMIN_TOKEN (auth.adminToken) must be at least 16 characters',
    );
    expect(problem({ APO_INGEST_TOKEN: 'long-enough-token-1,short-tok' })).toContain(
      'APO_INGEST_TOKEN (auth.ingestTokens) must be at least 16 characters (each token)',
    );
    expect(problem({ APO_INGEST_TOKEN: 'long-enough-token-1,short-tok' })).not.toContain('short-tok');
    expect(problem({ APO_PROXY_TOKENS: 'p' })).toContain('APO_PROXY_TOKENS');
    expect(problem({ APO_ADMIN_TOKEN: '0123456789abcdef' })).toBe('');
  });

  it('answers to loopback names and a concrete listen host by default, to the configured names otherwise', () => {
    expect(allowedHostsOf(undefined, '127.0.0.1')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostsOf(undefined, '0.0.0.0')).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostsOf(undefined, '10.0.0.5')).toContain('10.0.0.5');
    expect(allowedHostsOf(undefined, 'fd00::5')).toContain('[fd00::5]');
    expect(isAllowedHost('localhost:3300', allowedHostsOf(undefined, '127.0.0.1'))).toBe(true);
    expect(isAllowedHost('[::1]:3300', allowedHostsOf(undefined, '127.0.0.1'))).toBe(true);
    expect(isAllowedHost('attacker.example', allowedHostsOf(undefined, '127.0.0.1'))).toBe(false);
    expect(isAllowedHost('localhost.attacker.example', allowedHostsOf(undefined, '127.0.0.1'))).toBe(false);
    expect(isAllowedHost(undefined, allowedHostsOf(undefined, '127.0.0.1'))).toBe(false);
    expect(isAllowedHost('APO.Example.:443', allowedHostsOf(['apo.example'], '0.0.0.0'))).toBe(true);
    expect(isAllowedHost('127.0.0.1', allowedHostsOf(['apo.example'], '0.0.0.0'))).toBe(false);
    expect(isAllowedHost('anything', allowedHostsOf(['*'], '127.0.0.1'))).toBe(true);
  });

  it('decides auth: on beyond loopback, off refused there; no admin token needed (the first run sets up an admin)', () => {
    const parse = (o: object) => serverConfigSchema.parse(o);
    expect(resolveAuth(parse({}))).toEqual({ enabled: false });
    expect(resolveAuth(parse({ host: '0.0.0.0', auth: { adminToken: 'admin-token-0123456789' } }))).toEqual({
      enabled: true,
    });
    expect(resolveAuth(parse({ host: '0.0.0.0', auth: { mode: 'off' } })).problem).toMatch(/refused/);
    expect(resolveAuth(parse({ auth: { mode: 'on' } }))).toEqual({ enabled: true });
  });

  it('reads the access settings, and refuses a short APO_ADMIN_PASSWORD without quoting it', () => {
    const config = loadServerConfig({
      APO_SESSION_IDLE_TIMEOUT_MS: '60000',
      APO_SESSION_MAX_AGE_MS: '3600000',
      APO_CONFIG_DATABASE_URL: 'postgres://apo@db.example:5432/apo',
      APO_ADMIN_PASSWORD: 'a long enough password',
    });
    expect(config.auth).toMatchObject({ sessionIdleTimeoutMs: 60_000, sessionMaxAgeMs: 3_600_000 });
    expect(config.configStore.databaseUrl).toBe('postgres://apo@db.example:5432/apo');
    expect(loadServerConfig({}).auth).toMatchObject({
      sessionIdleTimeoutMs: 43_200_000,
      sessionMaxAgeMs: 604_800_000,
    });
    expect(() => loadServerConfig({ APO_ADMIN_PASSWORD: 'short-secret' })).not.toThrow();
    expect(() => loadServerConfig({ APO_ADMIN_PASSWORD: 'shortsecret' })).toThrow(
      /APO_ADMIN_PASSWORD \(auth\.adminPassword\) must be 12 to 256 characters/,
    );
    expect(() => loadServerConfig({ APO_ADMIN_PASSWORD: 'shortsecret' })).not.toThrow(/shortsecret/);
    expect(() => loadServerConfig({ APO_CONFIG_DATABASE_URL: 'mysql://x' })).toThrow(
      /configStore\.databaseUrl/,
    );
  });

  it('allows the configured origins, nothing else: loopback pages are not trusted by default', () => {
    expect(isAllowedOrigin('http://127.0.0.1:5173', [])).toBe(false);
    expect(isAllowedOrigin('http://localhost:4173', [])).toBe(false);
    expect(isAllowedOrigin('http://127.0.0.1:5173', ['http://127.0.0.1:5173'])).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:5174', ['http://127.0.0.1:5173'])).toBe(false);
    expect(isAllowedOrigin('https://any.example', ['*'])).toBe(true);
    expect(isAllowedOrigin('https://evil.example', [])).toBe(false);
    expect(isAllowedOrigin('http://localhost.evil.example', [])).toBe(false);
    expect(isAllowedOrigin('https://console.example', ['https://console.example'])).toBe(true);
    expect(isAllowedOrigin('null', [])).toBe(false);
  });
});
