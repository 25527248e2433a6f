import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { found: true; path: string } | { found: false; reason: string };

/**
 * Decides whether Electron can start here. `resolvePath` yields the executable's path (or throws); the
 * production resolver is `electronPathWithoutDownload`, tests pass stand-ins.
 */
export function detectElectronBinary(resolvePath: () => string): ElectronBinary {
  let path: string;
  try {
    path = resolvePath();
  } catch (err) {
    return { found: false, reason: err instanceof Error ? err.message : String(err) };
  }
  if (!existsSync(path)) return { found: false, reason: `no Electron executable at ${path}` };
  return { found: true, path };
}

/**
 * The path `require('electron')` would return, computed the same way (path.txt → dist/<file>, honouring
 * ELECTRON_OVERRIDE_DIST_PATH and ELECTRON_EXEC_PATH) but without its side effect: when the binary is
 * missing, `require('electron')` starts a download, which hangs or fails on a machine without internet.
 */
export function electronPathWithoutDownload(
  fromDir: string,
  env: Record<string, string | undefined> = process.env,
): string {
  if (env.ELECTRON_EXEC_PATH !== undefined && env.ELECTRON_EXEC_PATH !== '') return env.ELECTRON_EXEC_PATH;
  const packageDir = dirname(createRequire(join(fromDir, 'noop.js')).resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  if (env.ELECTRON_OVERRIDE_DIST_PATH !== undefined && env.ELECTRON_OVERRIDE_DIST_PATH !== '') {
    return join(env.ELECTRON_OVERRIDE_DIST_PATH, executable === '' ? 'electron' : executable);
  }
  if (executable === '') {
    throw new Error(
      `the electron package at ${packageDir} has no path.txt: its install step (the binary download) never ran`,
    );
  }
  return join(packageDir, 'dist', executable);
}

export function missingElectronMessage(reason: string): string {
  return [
    'The Electron binary is not installed on this machine, so the desktop app cannot start.',
    `  (${reason})`,
    '',
    'pnpm installed the electron package but skipped its install script, which downloads the binary.',
    'To install it, on a machine with internet access run:',
    '  pnpm --filter @apo/desktop exec node node_modules/electron/install.js',
    'or, behind a firewall, point the download at a reachable mirror first, for example:',
    '  ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/ pnpm --filter @apo/desktop exec node node_modules/electron/install.js',
    '',
    'The same console runs in a browser without Electron:',
    '  pnpm --filter @apo/desktop dev:web',
    '',
  ].join('\n');
}
