// Which implementation the preload entries (register.mjs, register.cjs) load: the JavaScript bundle
// (dist/instrument/, `pnpm --filter @apo/agent bundle:instrument`, run by `pnpm install`) when it was built from
// the sources as they are now, else the TypeScript sources. The bundle spares every instrumented process Node's
// type stripping (~28 MB of RSS and part of the start-up); a source file changed since the build makes the
// bundle stale and the sources run instead, so an edit is never masked by an old build.
// Plain JavaScript without top-level await, so that register.cjs can require() it.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The bundle's entry in `dist` (a directory URL) when every source it lists still has the modification time
 * it was built from, else `sources`. A few stat() calls: ~0.1 ms per process start.
 * @param {URL} dist
 * @param {URL} sources
 * @returns {string} a file path, for both import() and require()
 */
export function chooseStartModule(dist, sources) {
  /** @type {Record<string, number>} */
  let built;
  try {
    const manifest = /** @type {{ sources: Record<string, number> }} */ (
      JSON.parse(readFileSync(new URL('sources.json', dist), 'utf8'))
    );
    built = manifest.sources;
  } catch {
    return fileURLToPath(sources); // not built
  }
  for (const [file, mtimeMs] of Object.entries(built)) {
    try {
      if (statSync(new URL(file, dist)).mtimeMs !== mtimeMs) return fileURLToPath(sources);
    } catch {
      return fileURLToPath(sources);
    }
  }
  return fileURLToPath(new URL('start.mjs', dist));
}

/** The module that exports `startInstrumentation`. */
export const startModule = chooseStartModule(
  new URL('../../dist/instrument/', import.meta.url),
  new URL('./start.ts', import.meta.url),
);
