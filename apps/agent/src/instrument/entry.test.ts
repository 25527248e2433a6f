import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseStartModule } from './entry.mjs';

const run = promisify(execFile);

describe('which preload implementation runs', () => {
  let root: string;
  let dist: URL;
  let sources: URL;
  let sourceFile: string;

  /** A built bundle in <root>/dist/instrument listing <root>/src/a.ts with its current modification time. */
  async function build(): Promise<void> {
    await mkdir(join(root, 'dist', 'instrument'), { recursive: true });
    await writeFile(join(root, 'dist', 'instrument', 'start.mjs'), 'export {};');
    const { mtimeMs } = await stat(sourceFile);
    await writeFile(
      join(root, 'dist', 'instrument', 'sources.json'),
      JSON.stringify({ sources: { '../../src/a.ts': mtimeMs } }),
    );
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'apo-preload-entry-'));
    await mkdir(join(root, 'src'));
    sourceFile = join(root, 'src', 'a.ts');
    await writeFile(sourceFile, 'export {};');
    dist = pathToFileURL(join(root, 'dist', 'instrument') + '/');
    sources = pathToFileURL(join(root, 'src', 'start.ts'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('runs the sources when no bundle was built', () => {
    expect(chooseStartModule(dist, sources)).toBe(join(root, 'src', 'start.ts'));
  });

  it('runs the bundle when it was built from the sources as they are', async () => {
    await build();
    expect(chooseStartModule(dist, sources)).toBe(join(root, 'dist', 'instrument', 'start.mjs'));
  });

  it('runs the sources when one of them changed after the build', async () => {
    await build();
    const later = new Date(Date.now() + 5_000);
    await utimes(sourceFile, later, later);
    expect(chooseStartModule(dist, sources)).toBe(join(root, 'src', 'start.ts'));
  });

  it('runs the sources when a bundled source is gone or the manifest is unreadable', async () => {
    await build();
    await rm(sourceFile);
    expect(chooseStartModule(dist, sources)).toBe(join(root, 'src', 'start.ts'));
    await writeFile(sourceFile, 'export {};');
    await writeFile(join(root, 'dist', 'instrument', 'sources.json'), '{ not json');
    expect(chooseStartModule(dist, sources)).toBe(join(root, 'src', 'start.ts'));
  });

  // The preload process tests run whichever implementation the checkout has (the bundle after `pnpm install`);
  // this keeps the other one working too: start.ts finds setup.ts next to it when run from the sources.
  it('starts from the TypeScript sources as well (real process, nothing listening for its exports)', async () => {
    const start = pathToFileURL(join(import.meta.dirname, 'start.ts')).href;
    const script =
      `const { startInstrumentation } = await import(${JSON.stringify(start)});` +
      'const started = startInstrumentation(); await started?.ready;' +
      'console.log(started === null ? "not started" : "started");' +
      'process.exit(0);';
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        OTEL_SERVICE_NAME: 'entry-test',
      },
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('started');
  });
});
