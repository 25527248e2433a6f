import { describe, expect, it } from 'vitest';
import { consoleUrlOf, desktopComponent, stackComponents } from './components.ts';
import { loadStackConfig, StackConfigError } from './env.ts';

const HOME = { HOME: '/home/oncall' };

describe('local stack configuration', () => {
  it('wires demo → agent → proxy → server on the default ports', () => {
    const config = loadStackConfig([], HOME);
    if (config === 'help') throw new Error('unexpected help');
    expect(config.dir).toBe('/home/oncall/.local/share/apo/stack');
    const components = stackComponents(config);
    expect(components.map((c) => c.name)).toEqual(['server', 'proxy', 'agent', 'demo']);
    const env = Object.fromEntries(components.map((c) => [c.name, c.env]));
    expect(env.proxy?.APO_PROXY_EXPORT_URL).toBe('http://127.0.0.1:3300');
    expect(env.proxy?.APO_PROXY_CLUSTER_ID).toBe('local');
    expect(env.agent?.APO_AGENT_EXPORT_URL).toBe('http://127.0.0.1:14318');
    expect(env.demo?.DEMO_AGENT_URL).toBe('http://127.0.0.1:4318');
    // The shop's own default, so `pnpm demo:fault` finds the shop the stack started.
    expect(env.demo?.DEMO_DATA_DIR).toBe('/home/oncall/.local/share/apo/demo-shop');
  });

  it('follows the components’ own port variables and drops the optional parts on request', () => {
    const config = loadStackConfig(['--no-proxy', '--no-demo', '--dir', '/tmp/s'], {
      ...HOME,
      APO_HTTP_PORT: '3400',
      APO_AGENT_OTLP_HTTP_PORT: '5318',
    });
    if (config === 'help') throw new Error('unexpected help');
    const components = stackComponents(config);
    expect(components.map((c) => c.name)).toEqual(['server', 'agent']);
    expect(components[1]?.env.APO_AGENT_EXPORT_URL).toBe('http://127.0.0.1:3400');
    expect(components[1]?.env.APO_AGENT_OTLP_HTTP_PORT).toBe('5318');
    expect(config.dir).toBe('/tmp/s');
    expect(config.withDesktop).toBe(true);
    const noDesktop = loadStackConfig(['--no-desktop'], HOME);
    if (noDesktop === 'help') throw new Error('unexpected help');
    expect(noDesktop.withDesktop).toBe(false);
  });

  it('opens the desktop app on the stack’s server and prints the console URL of its port', () => {
    const config = loadStackConfig([], { ...HOME, APO_HTTP_PORT: '3400' });
    if (config === 'help') throw new Error('unexpected help');
    expect(consoleUrlOf(config)).toBe('http://127.0.0.1:3400/');
    const desktop = desktopComponent(config, '/opt/electron/electron');
    expect(desktop.entry).toMatch(/apps\/desktop\/scripts\/launch\.ts$/);
    expect(desktop.env).toEqual({ APO_SERVER_URL: 'http://127.0.0.1:3400' });
  });

  it('rejects a bad port or an unknown option with the value quoted', () => {
    expect(() => loadStackConfig([], { ...HOME, APO_PROXY_OTLP_HTTP_PORT: '99999' })).toThrow(
      /APO_PROXY_OTLP_HTTP_PORT: must be a TCP port number 1-65535, got "99999"/,
    );
    expect(() => loadStackConfig(['--demo-off'], HOME)).toThrow(StackConfigError);
    expect(() => loadStackConfig(['--demo-off'], HOME)).toThrow(/--demo-off/);
    expect(loadStackConfig(['--help'], HOME)).toBe('help');
    expect(loadStackConfig(['--', '--help'], HOME)).toBe('help');
  });
});
