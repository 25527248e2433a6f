import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/**
 * Who the instrumented app is, for `service.name` and `service.version`, found without configuration:
 * the nearest package.json above the entry script that has a name (folders often carry a name-less
 * package.json just for `"type": "module"`), else the script's file name.
 */
export interface ServiceIdentity {
  name: string;
  version: string | undefined;
  /** Where the name came from, for diagnostics. */
  source: 'package.json' | 'script' | 'default';
}

/** OpenTelemetry's own fallback when nothing names the service. */
export const UNKNOWN_SERVICE = 'unknown_service:node';

interface PackageFields {
  name: string | undefined;
  version: string | undefined;
}

function readPackage(file: string): PackageFields | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== 'object' || json === null) return undefined;
    const { name, version } = json as { name?: unknown; version?: unknown };
    return {
      name: typeof name === 'string' && name.trim() !== '' ? name.trim() : undefined,
      version: typeof version === 'string' && version.trim() !== '' ? version.trim() : undefined,
    };
  } catch {
    // A broken package.json belongs to the app; it is not ours to report.
    return undefined;
  }
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    // `node app` may name a file Node resolves by adding an extension; the folder is what matters.
    return file;
  }
}

/** @param entryScript the main module's path, as in `process.argv[1]`; undefined for `node -e` or the REPL. */
export function detectServiceIdentity(entryScript: string | undefined): ServiceIdentity {
  if (entryScript === undefined || entryScript === '') {
    return { name: UNKNOWN_SERVICE, version: undefined, source: 'default' };
  }
  const script = realPath(entryScript);
  for (let dir = dirname(script); ;) {
    const pkg = readPackage(join(dir, 'package.json'));
    if (pkg?.name !== undefined) return { name: pkg.name, version: pkg.version, source: 'package.json' };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const name = basename(script, extname(script));
  return name === ''
    ? { name: UNKNOWN_SERVICE, version: undefined, source: 'default' }
    : { name, version: undefined, source: 'script' };
}
