/**
 * The web console's build (apps/desktop/out/web, which the server serves at `/`), made when it is missing or
 * stale: `pnpm install` (postinstall), `pnpm start` and the server bundle call `ensureConsoleBuilt`.
 *
 * Stale means the hash of what the build is made of — the renderer's sources, its Vite config, the packages
 * it bundles, the lockfile — differs from the stamp written beside the build after it succeeded. Hashing a
 * few hundred small files takes milliseconds, so an install or a start with nothing changed stays fast.
 *
 *   node scripts/console-build.ts            build when missing or stale
 *   node scripts/console-build.ts --force    build anyway
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(import.meta.dirname, '..');

export interface ConsoleLayout {
  root: string;
  /** Files and directories (relative to root) whose content makes the build. */
  inputs: readonly string[];
  /** The build (index.html + assets/). */
  outDir: string;
  /** Beside the build rather than in it: Vite empties its output directory, and the server serves it. */
  stampFile: string;
}

export function consoleLayout(root = repoRoot): ConsoleLayout {
  return {
    root,
    inputs: [
      // The renderer, and what it imports from beside it: the preload bridge's types, the CSP the build bakes in.
      'apps/desktop/src',
      'apps/desktop/config',
      'apps/desktop/vite.web.config.ts',
      'apps/desktop/tsconfig.json',
      'apps/desktop/package.json',
      'packages/shared/src',
      'packages/shared/package.json',
      // Versions of Vite, React, ECharts…: a dependency update changes the output without touching a source.
      'pnpm-lock.yaml',
    ],
    outDir: join(root, 'apps/desktop/out/web'),
    stampFile: join(root, 'apps/desktop/out/web.stamp'),
  };
}

/** Tests and editor files change no output. */
const IGNORED = /(^|\/)(node_modules|out|dist|\.[^/]*)$|\.(test|spec)\.tsx?$/;

async function filesUnder(root: string, path: string): Promise<string[]> {
  const full = join(root, path);
  const info = await stat(full).catch(() => undefined);
  if (info === undefined) return [];
  if (!info.isDirectory()) return [path];
  const files: string[] = [];
  for (const entry of await readdir(full, { withFileTypes: true, recursive: true })) {
    const rel = relative(root, join(entry.parentPath, entry.name));
    if (
      entry.isFile() &&
      !rel.split('/').some((_, i, parts) => IGNORED.test(parts.slice(0, i + 1).join('/')))
    )
      files.push(rel);
  }
  return files;
}

/** SHA-256 over every input file's path and content, in a fixed order. */
export async function consoleSourceHash(layout: ConsoleLayout): Promise<string> {
  const files = (await Promise.all(layout.inputs.map((p) => filesUnder(layout.root, p)))).flat().sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(layout.root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export type ConsoleState = { state: 'fresh' | 'missing' | 'stale'; hash: string };

export async function consoleBuildState(layout: ConsoleLayout): Promise<ConsoleState> {
  const hash = await consoleSourceHash(layout);
  const built = await stat(join(layout.outDir, 'index.html')).then(
    () => true,
    () => false,
  );
  if (!built) return { state: 'missing', hash };
  const stamp = await readFile(layout.stampFile, 'utf8').then(
    (text) => (JSON.parse(text) as { hash?: string }).hash,
    () => undefined,
  );
  return { state: stamp === hash ? 'fresh' : 'stale', hash };
}

/** Runs the web build (`vite build --config vite.web.config.ts` in apps/desktop), its output kept for errors. */
export function viteBuild(layout: ConsoleLayout): Promise<void> {
  const appDir = join(layout.root, 'apps/desktop');
  const require = createRequire(join(appDir, 'package.json'));
  const vitePackage = require.resolve('vite/package.json');
  const vite = join(dirname(vitePackage), 'bin', 'vite.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [vite, 'build', '--config', 'vite.web.config.ts', '--logLevel', 'warn'],
      {
        cwd: appDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`vite build exited with ${code}:\n${output.trimEnd()}`));
    });
  });
}

export interface EnsureOptions {
  layout?: ConsoleLayout;
  /** Build even when fresh. */
  force?: boolean;
  /** Makes the build; tests pass a stand-in. */
  build?: (layout: ConsoleLayout) => Promise<void>;
}

export type EnsureResult =
  | { result: 'fresh' }
  | { result: 'built'; was: 'missing' | 'stale'; ms: number }
  | { result: 'failed'; was: 'missing' | 'stale'; error: Error };

/** Builds the console when it is missing or stale and stamps it; never throws (callers decide how loud). */
export async function ensureConsoleBuilt(options: EnsureOptions = {}): Promise<EnsureResult> {
  const layout = options.layout ?? consoleLayout();
  const { state, hash } = await consoleBuildState(layout);
  if (state === 'fresh' && options.force !== true) return { result: 'fresh' };
  const was = state === 'missing' ? 'missing' : 'stale';
  const started = performance.now();
  // A build that fails half-way must not look fresh next time.
  await rm(layout.stampFile, { force: true });
  try {
    await (options.build ?? viteBuild)(layout);
  } catch (err) {
    return { result: 'failed', was, error: err instanceof Error ? err : new Error(String(err)) };
  }
  await writeFile(layout.stampFile, `${JSON.stringify({ hash, builtAt: new Date().toISOString() })}\n`);
  return { result: 'built', was, ms: Math.round(performance.now() - started) };
}

/** One line for a person: what happened, and what to do when it failed. */
export function describeResult(result: EnsureResult): string {
  switch (result.result) {
    case 'fresh':
      return 'web console: up to date';
    case 'built':
      return `web console: built (${result.was}) in ${(result.ms / 1000).toFixed(1)} s`;
    case 'failed':
      return (
        `web console: the build failed, so the server answers / with 503 until it is built ` +
        `(pnpm --filter @apo/desktop build:web):\n${result.error.message}`
      );
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await ensureConsoleBuilt({ force: process.argv.includes('--force') });
  // Not an install failure: the API works without the console, and the message says how to build it.
  (result.result === 'failed' ? console.warn : console.log)(describeResult(result));
}
