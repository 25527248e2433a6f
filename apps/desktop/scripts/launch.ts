/**
 * `pnpm --filter @apo/desktop start`: builds the Electron app and starts it, or, when the Electron binary is
 * missing (pnpm skips its download), says so plainly, how to fix it, and how to use the browser console.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  detectElectronBinary,
  electronPathWithoutDownload,
  missingElectronMessage,
} from './electron-binary.ts';

const appDir = dirname(dirname(fileURLToPath(import.meta.url)));
const electron = detectElectronBinary(() => electronPathWithoutDownload(appDir));

if (!electron.found) {
  process.stderr.write(missingElectronMessage(electron.reason));
  process.exit(1);
}

// `electron-vite preview` builds main, preload and renderer, then starts Electron on the result.
const electronVite = join(appDir, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
const child = spawn(process.execPath, [electronVite, 'preview', ...process.argv.slice(2)], {
  cwd: appDir,
  stdio: 'inherit',
  env: { ...process.env, ELECTRON_EXEC_PATH: electron.path },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
