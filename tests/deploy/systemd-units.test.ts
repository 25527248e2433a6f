/**
 * The systemd units (deploy/systemd/): `systemd-analyze verify` accepts them (it runs without systemd as
 * PID 1: it loads the units and their dependencies, checks every setting and the ExecStart binary); each
 * runs its bundle's bin as a dedicated user with its state directory as the data directory; the
 * environment file templates set only variables the component reads, with values its loader accepts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../deploy/bundles/build-bundle.ts';
import { appNames, bundledApps } from '../../deploy/bundles/bundled-apps.ts';
import { loadComponentConfig } from './support/component-config.ts';

const systemdDir = join(repoRoot, 'deploy', 'systemd');

/** `Key=value` lines per section; a key may repeat. */
function parseUnit(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1]!;
      continue;
    }
    const eq = line.indexOf('=');
    const key = `${section}.${line.slice(0, eq)}`;
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  return settings;
}

/** Variables an environment file sets, and those it shows commented out as options. */
function parseEnvFile(text: string): { set: Record<string, string>; documented: string[] } {
  const set: Record<string, string> = {};
  const documented: string[] = [];
  for (const line of text.split('\n')) {
    const active = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (active) set[active[1]!] = active[2]!;
    const commented = /^#\s*([A-Z_][A-Z0-9_]*)=/.exec(line);
    if (commented) documented.push(commented[1]!);
  }
  return { set, documented };
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'apo-systemd-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('systemd units', () => {
  it('pass systemd-analyze verify', async () => {
    const units = [];
    for (const app of appNames) {
      let text = await readFile(join(systemdDir, `${bundledApps[app].command}.service`), 'utf8');
      // verify checks that ExecStart's program exists: where Node is not /usr/bin/node, the one running this.
      if (!existsSync('/usr/bin/node')) text = text.replaceAll('/usr/bin/node', process.execPath);
      const path = join(work, `${bundledApps[app].command}.service`);
      await writeFile(path, text);
      units.push(path);
    }
    const { stderr } = await promisify(execFile)('systemd-analyze', ['verify', '--man=no', ...units], {
      env: { ...process.env, SYSTEMD_LOG_LEVEL: 'notice' },
    });
    // Problems in a unit (an unknown key, a bad value) are reported on stderr with exit status 0.
    expect(stderr.split('\n').filter((line) => line.includes('apo-'))).toEqual([]);
  });

  for (const app of appNames) {
    const command = bundledApps[app].command;
    it(`${command}: a dedicated user, its state directory as data, hardening, restarts, its bundle's bin`, async () => {
      const unit = parseUnit(await readFile(join(systemdDir, `${command}.service`), 'utf8'));
      const one = (key: string) => {
        const values = unit.get(`Service.${key}`);
        expect(values, key).toHaveLength(1);
        return values![0]!;
      };
      expect(one('DynamicUser')).toBe('yes');
      expect(one('User')).toBe(command);
      expect(one('StateDirectory')).toBe(command);
      expect(one('ExecStart')).toBe(`/usr/bin/node /opt/apo/${command}/bin/${command}`);
      expect(one('EnvironmentFile')).toBe(`-/etc/apo/${command}.env`);
      expect(one('Restart')).toBe('on-failure');
      for (const [key, value] of Object.entries({
        NoNewPrivileges: 'yes',
        ProtectSystem: 'strict',
        PrivateTmp: 'yes',
        PrivateDevices: 'yes',
        ProtectKernelTunables: 'yes',
        ProtectControlGroups: 'yes',
        RestrictSUIDSGID: 'yes',
      }))
        expect(one(key), key).toBe(value);
      // Capabilities: none, except what the agent's collectors need to read other users' processes and logs.
      const caps = app === 'agent' ? 'CAP_SYS_PTRACE CAP_DAC_READ_SEARCH' : '';
      expect(one('CapabilityBoundingSet')).toBe(caps);
      expect(unit.get('Service.AmbientCapabilities') ?? [''], 'AmbientCapabilities').toEqual([caps]);
      expect(unit.get('Install.WantedBy')).toEqual(['multi-user.target']);

      // The unit's own environment and the template's settings, read by the component as at start.
      const unitEnv = Object.fromEntries(
        (unit.get('Service.Environment') ?? []).map((pair) => {
          const [name, value] = pair.split('=') as [string, string];
          return [name, value.replaceAll('%S', '/var/lib')];
        }),
      );
      const template = parseEnvFile(await readFile(join(systemdDir, `${command}.env`), 'utf8'));
      const { config, ignored } = loadComponentConfig(app, { ...unitEnv, ...template.set });
      expect(ignored).toEqual([]);
      const dataDir =
        app === 'server'
          ? (config as { storage: { dataDir?: string } }).storage.dataDir
          : (config as { dataDir: string }).dataDir;
      expect(dataDir).toBe(`/var/lib/${command}`);
      // The options shown commented out are variables the component reads too.
      const documented = Object.fromEntries(template.documented.map((name) => [name, '']));
      expect(loadComponentConfig(app, { ...unitEnv, ...template.set, ...documented }).ignored).toEqual([]);
    });
  }
});
