/**
 * Copies installed packages, with everything they need at run time, from the workspace's node_modules into
 * a bundle's own node_modules: no network, and exactly the versions the lockfile installed. Files are hard
 * links where the file system allows (chDB's library alone is 566 MB), else copies; a hard link is still a
 * file of its own, so the bundle keeps working after the workspace is gone.
 */
import { copyFile, link, mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

async function readPackageJson(dir: string): Promise<PackageJson> {
  return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Node's lookup from a package directory: `<dir>/node_modules/<name>` walking up, skipping `node_modules` dirs. */
async function findInstalledPackage(fromDir: string, name: string): Promise<string | undefined> {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (await exists(join(candidate, 'package.json'))) return realpath(candidate);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    // A package's own node_modules holds pnpm's links to its dependencies (copied flat instead) and .bin.
    if (entry.name === 'node_modules') continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) await copyTree(source, target);
    else if (entry.isFile()) await link(source, target).catch(() => copyFile(source, target));
  }
}

export interface CopiedPackage {
  name: string;
  version: string;
  /** Relative to the bundle's root. */
  path: string;
}

/**
 * Copies `names` (resolved from `fromDir`, e.g. an app's directory) and their dependencies, optional
 * dependencies and peer dependencies — those installed — into `<bundleDir>/node_modules`, flat where
 * versions agree, nested under the dependent package where they do not.
 */
export async function copyProductionDependencies(
  names: readonly string[],
  fromDir: string,
  bundleDir: string,
): Promise<CopiedPackage[]> {
  const placed = new Map<string, CopiedPackage>(); // by relative path
  const work: { name: string; from: string; parentPath: string | undefined }[] = names.map((name) => ({
    name,
    from: fromDir,
    parentPath: undefined,
  }));
  for (let item = work.shift(); item !== undefined; item = work.shift()) {
    const source = await findInstalledPackage(item.from, item.name);
    if (source === undefined) throw new Error(`${item.name} is not installed (looked from ${item.from})`);
    const pkg = await readPackageJson(source);
    const flat = join('node_modules', item.name);
    const existing = placed.get(flat);
    if (existing?.version === pkg.version) continue;
    const path =
      existing === undefined || item.parentPath === undefined
        ? flat
        : join(item.parentPath, 'node_modules', item.name);
    if (placed.has(path)) continue;
    await copyTree(source, join(bundleDir, path));
    placed.set(path, { name: pkg.name, version: pkg.version, path });
    const wanted = [
      ...Object.keys(pkg.dependencies ?? {}),
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {}),
    ];
    for (const dep of wanted) {
      const required = pkg.dependencies?.[dep] !== undefined;
      // Optional and peer dependencies that this platform did not install are not needed here.
      if (!required && (await findInstalledPackage(source, dep)) === undefined) continue;
      work.push({ name: dep, from: source, parentPath: path });
    }
  }
  return [...placed.values()].sort((a, b) => a.path.localeCompare(b.path));
}
