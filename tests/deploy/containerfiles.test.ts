/**
 * The Containerfiles (deploy/containers/), checked without building them (no registry can be reached here to
 * pull the Node base image): the runtime stage's settings are parsed by the component's own loader, and its
 * HEALTHCHECK, EXPOSE, VOLUME and USER agree with what the component does under them.
 */
import { describe, expect, it } from 'vitest';
import rootPackage from '../../package.json' with { type: 'json' };
import { appNames, bundledApps } from '../../deploy/bundles/bundled-apps.ts';
import { listeningPorts, loadComponentConfig } from './support/component-config.ts';
import { containerfileOf, instructions as all, runtimeEnv } from './support/containerfile.ts';

describe('Containerfiles', () => {
  for (const app of appNames) {
    const command = bundledApps[app].command;
    it(`${command}: builds the bundle, then runs it on Node 24 slim as a non-root user with one data volume`, async () => {
      const stages = await containerfileOf(app);
      expect(stages.length).toBeGreaterThanOrEqual(2);
      const build = stages[0]!;
      const runtime = stages.at(-1)!;
      expect(all(build, 'RUN').join(' ')).toContain(`node deploy/bundles/build-bundles.ts --out /out ${app}`);
      expect(all(build, 'RUN').join(' ')).toContain('pnpm install --frozen-lockfile');
      expect(all(build, 'RUN').join(' ')).toContain(
        `npm install --global --no-audit --no-fund ${rootPackage.packageManager}`,
      );
      expect(all(runtime, 'FROM')).toEqual(['docker.io/library/node:24-bookworm-slim']);
      expect(all(runtime, 'COPY')).toEqual([`--from=build /out/${command} /opt/apo/${command}`]);
      expect(all(runtime, 'ENTRYPOINT')).toEqual([`["node", "/opt/apo/${command}/bin/${command}"]`]);

      // A numeric, non-root user: Kubernetes' runAsNonRoot can only verify a number.
      const [user] = all(runtime, 'USER');
      expect(user).toMatch(/^\d+:\d+$/);
      expect(Number(user!.split(':')[0])).toBeGreaterThan(0);

      const labels = all(runtime, 'LABEL').join(' ');
      for (const key of ['title', 'description', 'version', 'licenses', 'vendor', 'base.name'])
        expect(labels).toContain(`org.opencontainers.image.${key}=`);
      expect(labels).toContain(`org.opencontainers.image.title="${command}"`);

      // The image's environment, read by the component as it would be at start.
      const env = runtimeEnv(stages);
      const { config, ignored } = loadComponentConfig(app, {
        ...env,
        // The server refuses to listen beyond loopback without a credential: the operator provides one (of at
        // least 16 characters, as the server requires of every token).
        ...(app === 'server' ? { APO_ADMIN_TOKEN: 'admin-token-set-at-run-time' } : {}),
        ...(app === 'proxy' ? { APO_PROXY_AGENT_TOKENS: 'agent-token-set-at-run-time' } : {}),
      });
      expect(ignored).toEqual([]);
      const dataDir =
        app === 'server'
          ? (config as { storage: { dataDir?: string } }).storage.dataDir
          : (config as { dataDir: string }).dataDir;
      expect(all(runtime, 'VOLUME')).toEqual([dataDir]);
      expect(all(runtime, 'RUN').join(' ')).toContain(`chown ${user} ${dataDir}`);

      const ports = listeningPorts(app, config);
      expect(ports.healthHost).toBe('0.0.0.0');
      const exposed = all(runtime, 'EXPOSE').flatMap((args) => args.split(/\s+/).map(Number));
      expect(exposed.sort()).toEqual([...new Set([ports.otlpHttp, ports.otlpGrpc, ports.health])].sort());
      const [healthcheck] = all(runtime, 'HEALTHCHECK');
      expect(healthcheck).toContain(`http://127.0.0.1:${ports.health}/healthz`);
    });
  }
});
