/**
 * The runnable bundles, built once per test file into a temporary directory outside the repository, and
 * started from there with a clean environment whose PATH holds only Node's directory.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildBundle, type BuiltBundle } from '../../../deploy/bundles/build-bundle.ts';
import { appNames, type AppName } from '../../../deploy/bundles/bundled-apps.ts';
import {
  spawnNode,
  waitForAnswer,
  watchNodeProcess,
  type NodeProcess,
} from '../../../packages/otlp-transport/src/testing/index.ts';
import { containerfileOf, runtimeEnv, runtimeUser } from './containerfile.ts';

export interface BuiltBundles {
  root: string;
  bundles: Record<AppName, BuiltBundle>;
  dispose(): Promise<void>;
}

export async function buildBundlesOutsideRepo(): Promise<BuiltBundles> {
  const root = await mkdtemp(join(tmpdir(), 'apo-bundles-'));
  // Readable by any user, as /opt/apo is: one test runs the bundles as the images' unprivileged user.
  await chmod(root, 0o755);
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

/** A directory only `uid` may write to, as the image's volume is. */
export async function dataDirFor(uid: number, gid: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'apo-bundle-data-'));
  await chown(dir, uid, gid);
  return dir;
}

/**
 * The bundle started as its image starts it: the Containerfile's runtime `USER` (through setpriv, so the
 * caller must be root) and `ENV`, with `overrides` (ports, the data directory, credentials) on top, in a
 * working directory the user cannot write to.
 */
export async function startBundleAsImage(
  bundle: BuiltBundle,
  overrides: Record<string, string>,
  healthUrl: string,
): Promise<BundleProcess & { uid: number; gid: number }> {
  const stages = await containerfileOf(bundle.app);
  const { uid, gid } = runtimeUser(stages);
  const env = { PATH: dirname(process.execPath), ...runtimeEnv(stages), ...overrides };
  const started = performance.now();
  const child = spawn(
    // util-linux, essential on Debian.
    '/usr/bin/setpriv',
    [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', process.execPath, bundle.bin],
    { cwd: '/', env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const proc = watchNodeProcess(child);
  const res = await waitForAnswer(healthUrl, proc, bundle.app, { accept: (r) => r.ok, timeoutMs: 60_000 });
  return { proc, startMs: performance.now() - started, health: await res.json(), uid, gid };
}
