/**
 * The web console is built when it is missing or stale and left alone otherwise: `pnpm install` and
 * `pnpm start` run this check every time, so "nothing changed" must cost no build.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consoleLayout, ensureConsoleBuilt, type ConsoleLayout } from '../../scripts/console-build.ts';

describe('console build stamp', () => {
  let root: string;
  let layout: ConsoleLayout;
  let builds: number;
  const build = async (l: ConsoleLayout) => {
    builds++;
    await mkdir(l.outDir, { recursive: true });
    await writeFile(join(l.outDir, 'index.html'), '<!doctype html>');
  };
  const put = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'apo-console-build-'));
    layout = consoleLayout(root);
    builds = 0;
    await put('apps/desktop/src/renderer/main.tsx', 'render()');
    await put('apps/desktop/vite.web.config.ts', 'export default {}');
    await put('packages/shared/src/index.ts', 'export {}');
    await put('pnpm-lock.yaml', 'lockfileVersion: 9');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds when missing, then not again while nothing changed', async () => {
    expect(await ensureConsoleBuilt({ layout, build })).toMatchObject({ result: 'built', was: 'missing' });
    expect(await ensureConsoleBuilt({ layout, build })).toEqual({ result: 'fresh' });
    expect(builds).toBe(1);
  });

  it.each([
    ['a renderer source', 'apps/desktop/src/renderer/main.tsx'],
    ['a new renderer file', 'apps/desktop/src/renderer/features/new-view.tsx'],
    ['the Vite config', 'apps/desktop/vite.web.config.ts'],
    ['a shared package source', 'packages/shared/src/index.ts'],
    ['the lockfile', 'pnpm-lock.yaml'],
  ])('rebuilds after a change to %s', async (_what, path) => {
    await ensureConsoleBuilt({ layout, build });
    await put(path, 'changed');
    expect(await ensureConsoleBuilt({ layout, build })).toMatchObject({ result: 'built', was: 'stale' });
    expect(builds).toBe(2);
  });

  it('ignores tests and what is not an input', async () => {
    await ensureConsoleBuilt({ layout, build });
    await put('apps/desktop/src/renderer/main.test.tsx', 'test()');
    await put('apps/server/src/app.ts', 'server()');
    await put('apps/desktop/src/renderer/node_modules/x/index.js', 'x');
    expect(await ensureConsoleBuilt({ layout, build })).toEqual({ result: 'fresh' });
    expect(builds).toBe(1);
  });

  it('rebuilds a build made without a stamp, or deleted, and never stamps a failed build', async () => {
    await build(layout); // e.g. `pnpm --filter @apo/desktop build:web` by hand: no stamp
    expect(await ensureConsoleBuilt({ layout, build })).toMatchObject({ result: 'built', was: 'stale' });
    await rm(layout.outDir, { recursive: true });
    expect(await ensureConsoleBuilt({ layout, build })).toMatchObject({ result: 'built', was: 'missing' });

    await put('apps/desktop/src/renderer/main.tsx', 'broken(');
    const failing = () => Promise.reject(new Error('vite: syntax error'));
    expect(await ensureConsoleBuilt({ layout, build: failing })).toMatchObject({
      result: 'failed',
      error: { message: 'vite: syntax error' },
    });
    // The old build is still there, but it is not what the sources say: the next run builds again.
    expect(await ensureConsoleBuilt({ layout, build })).toMatchObject({ result: 'built', was: 'stale' });
  });
});
