// The Node preload as plain JavaScript (dist/instrument/): `register.mjs` / `register.cjs` load it instead of
// the TypeScript sources when it is there and current (see src/instrument/entry.mjs). Running the sources
// costs every instrumented process Node's type stripping: ~28 MB more RSS and a slower start.
// Only APO's own code is bundled. The OpenTelemetry packages stay in node_modules, loaded as the sources load
// them: their module-patching hooks (require-in-the-middle, import-in-the-middle) resolve files by path.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';

const outDir = resolve(import.meta.dirname, 'dist/instrument');

/** Writes sources.json: every bundled source file with its modification time, to detect a stale bundle. */
const recordSources = {
  name: 'apo-record-sources',
  generateBundle(_options, bundle) {
    const sources = {};
    for (const chunk of Object.values(bundle)) {
      if (chunk.type !== 'chunk') continue;
      for (const id of chunk.moduleIds) {
        if (!id.startsWith('/')) continue; // virtual modules
        sources[relative(outDir, id)] = statSync(id).mtimeMs;
      }
    }
    this.emitFile({ type: 'asset', fileName: 'sources.json', source: JSON.stringify({ sources }, null, 1) });
  },
};

export default {
  input: { start: 'src/instrument/start.ts', setup: 'src/instrument/setup.ts' },
  platform: 'node',
  external: (id) =>
    !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@apo/') && !id.startsWith('\0'),
  plugins: [recordSources],
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].mjs',
    chunkFileNames: '[name]-[hash].mjs',
    sourcemap: true,
  },
};
