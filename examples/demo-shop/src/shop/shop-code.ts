/**
 * The code the shop's processes run. Each start compiles the services and the traffic generator to JavaScript,
 * module for module (rolldown with `preserveModules`: nothing is merged, so the preload instruments exactly
 * the modules it would from the sources, and every package stays in node_modules). From the TypeScript
 * sources each of the nine processes would load Node's type stripping, ~18 MB of RSS apiece.
 *
 * The output goes to a private directory inside the package (`.build/<pid>-<nonce>/`): node_modules resolve
 * from there as from the sources, and shops started side by side (tests) never share a file. It is removed
 * when the shop stops; a directory left by a shop that was killed is removed at the next start. If the build
 * fails, the sources run and the reason is reported.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { SERVICES, serviceEntry, servicePackageJson, trafficEntry, type ServiceName } from '../topology.ts';
import { processAlive } from './state-file.ts';

export interface ShopCode {
  serviceEntry(name: ServiceName): string;
  trafficEntry: string;
  /** 'javascript' when compiled, else why the sources run. */
  readonly form: 'javascript' | { sources: string };
  dispose(): Promise<void>;
}

const srcDir = fileURLToPath(new URL('../', import.meta.url));
const buildRoot = fileURLToPath(new URL('../../.build/', import.meta.url));
const BUILD_DIR = /^(\d+)-[0-9a-f]+$/;

async function removeLeftovers(): Promise<void> {
  const names = await readdir(buildRoot).catch(() => []);
  for (const name of names) {
    const pid = BUILD_DIR.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid)))
      await rm(join(buildRoot, name), { recursive: true, force: true });
  }
}

const sourceCode = (reason: string): ShopCode => ({
  serviceEntry,
  trafficEntry,
  form: { sources: reason },
  dispose: () => Promise.resolve(),
});

export async function prepareShopCode(): Promise<ShopCode> {
  await removeLeftovers();
  const outDir = join(buildRoot, `${process.pid}-${randomBytes(4).toString('hex')}`);
  const entry = (path: string) => path.slice(srcDir.length).replace(/\.ts$/, '');
  const inputs = [
    ...SERVICES.map((s) => serviceEntry(s.name)),
    trafficEntry,
    join(srcDir, 'db', 'pg-locker-worker.ts'),
  ];
  try {
    await build({
      input: Object.fromEntries(inputs.map((path) => [entry(path), path])),
      platform: 'node',
      // Packages stay where they are: the preload's hooks patch them as they load from node_modules.
      external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
      logLevel: 'silent',
      output: {
        dir: outDir,
        format: 'esm',
        preserveModules: true,
        preserveModulesRoot: srcDir,
        entryFileNames: '[name].mjs',
      },
    });
    // A service's package.json names it and gives its version, next to its entry as in the sources.
    for (const s of SERVICES) {
      const target = join(outDir, 'services', s.name);
      await mkdir(target, { recursive: true });
      await copyFile(servicePackageJson(s.name), join(target, 'package.json'));
    }
  } catch (err) {
    await rm(outDir, { recursive: true, force: true });
    return sourceCode(`compiling to JavaScript failed: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  return {
    serviceEntry: (name) => join(outDir, `${entry(serviceEntry(name))}.mjs`),
    trafficEntry: join(outDir, `${entry(trafficEntry)}.mjs`),
    form: 'javascript',
    dispose: () => rm(outDir, { recursive: true, force: true }),
  };
}
