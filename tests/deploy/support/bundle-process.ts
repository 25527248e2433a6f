/**
 * The runnable bundles, built once per test file into a temporary directory outside the repository, and
 * started from there with a clean environment whose PATH holds only Node's directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildBundle, type BuiltBundle } from '../../../deploy/bundles/build-bundle.ts';
import { appNames, type AppName } from '../../../deploy/bundles/bundled-apps.ts';
import { spawnNode, waitForAnswer, type NodeProcess } from '../../../packages/pipeline/src/testing/index.ts';

export interface BuiltBundles {
  root: string;
  bundles: Record<AppName, BuiltBundle>;
  dispose(): Promise<void>;
}

export async function buildBundlesOutsideRepo(): Promise<BuiltBundles> {
  const root = await mkdtemp(join(tmpdir(), 'apo-bundles-'));
  const built = await Promise.all(appNames.map((app) => buildBundle(app, root)));
  return {
    root,
    bundles: Object.fromEntries(built.map((b) => [b.app, b])) as Record<AppName, BuiltBundle>,
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

export interface BundleProcess {
  proc: NodeProcess;
  /** Milliseconds from spawn to the first healthy `/healthz`. */
  startMs: number;
  health: unknown;
}

/** `node <bundle>/bin/<command>` in `cwd`, with only Node on PATH; resolves once `healthUrl` answers 200. */
export async function startBundle(
  bundle: BuiltBundle,
  env: Record<string, string>,
  healthUrl: string,
  cwd: string,
): Promise<BundleProcess> {
  const started = performance.now();
  const proc = spawnNode([bundle.bin], { PATH: dirname(process.execPath), HOME: cwd, ...env }, cwd);
  const res = await waitForAnswer(healthUrl, proc, bundle.app, { accept: (r) => r.ok, timeoutMs: 60_000 });
  return { proc, startMs: performance.now() - started, health: await res.json() };
}
