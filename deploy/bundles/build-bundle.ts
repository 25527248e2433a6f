/**
 * Builds one runnable bundle: a directory that runs with Node 24 and nothing else from the repository.
 *
 *   apo-server/
 *     bin/apo-server        the command (an ES module; `node bin/apo-server` or, with node on PATH, run as is)
 *     lib/apo-server.mjs    the component and its pure-JavaScript dependencies, bundled (+ lazy chunks, maps)
 *     node_modules/         only the packages that cannot be bundled (chDB and its native parts)
 *     console/              the server only: the web console's build, served at `/`
 *     package.json          name, version (reported by /healthz and the logs), the packages above, and
 *                           `apoConsoleDir`, where the server finds the console (as in the sources)
 */
import { chmod, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { rolldown } from 'rolldown';
import { bundledApps, type AppName } from './bundled-apps.ts';
import { copyProductionDependencies, type CopiedPackage } from './production-dependencies.ts';
import { consoleLayout, describeResult, ensureConsoleBuilt } from '../../scripts/console-build.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');

export interface BuiltBundle {
  app: AppName;
  dir: string;
  /** The file to start: `node <bin>`. */
  bin: string;
  version: string;
  packages: CopiedPackage[];
}

const binSource = (command: string) => `#!/usr/bin/env node
// ${command}: the bundled component (lib/), with source maps so stack traces name the TypeScript sources.
process.setSourceMapsEnabled(true);
await import('../lib/${command}.mjs');
`;

const CONSOLE_DIR = 'console';

/** The web console, built first when missing or stale: a server bundle without it would answer `/` with 503. */
async function copyConsole(bundleDir: string): Promise<void> {
  const result = await ensureConsoleBuilt();
  if (result.result === 'failed') throw new Error(describeResult(result));
  await cp(consoleLayout().outDir, join(bundleDir, CONSOLE_DIR), { recursive: true });
}

/** Builds `<outDir>/<command>/`, replacing what was there. */
export async function buildBundle(app: AppName, outDir: string): Promise<BuiltBundle> {
  const spec = bundledApps[app];
  const appDir = join(repoRoot, 'apps', app);
  const dir = join(resolve(outDir), spec.command);
  await rm(dir, { recursive: true, force: true });
  const appPackage = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    dependencies?: Record<string, string>;
  };

  const external = (id: string) => spec.external.some((name) => id === name || id.startsWith(`${name}/`));
  const build = await rolldown({
    input: join(appDir, spec.entry),
    cwd: appDir,
    platform: 'node',
    external,
    // Bundling third-party code reports things like `eval` in dependencies; they are not ours to fix.
    logLevel: 'silent',
  });
  try {
    await build.write({
      dir: join(dir, 'lib'),
      format: 'esm',
      entryFileNames: `${spec.command}.mjs`,
      chunkFileNames: '[name]-[hash].mjs',
      sourcemap: true,
    });
  } finally {
    await build.close();
  }

  const packages = await copyProductionDependencies(spec.external, appDir, dir);
  if (spec.withConsole) await copyConsole(dir);
  const dependencies = Object.fromEntries(
    spec.external.map((name) => [name, packages.find((p) => p.name === name)!.version]),
  );
  const bundlePackage = {
    name: appPackage.name,
    version: appPackage.version,
    private: true,
    type: 'module',
    bin: { [spec.command]: `bin/${spec.command}` },
    engines: { node: '>=24' },
    dependencies,
    ...(spec.withConsole ? { apoConsoleDir: CONSOLE_DIR } : {}),
  };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(bundlePackage, null, 2)}\n`);
  await mkdir(join(dir, 'bin'), { recursive: true });
  const bin = join(dir, 'bin', spec.command);
  await writeFile(bin, binSource(spec.command));
  await chmod(bin, 0o755);
  return { app, dir, bin, version: appPackage.version, packages };
}
