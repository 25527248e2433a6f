/**
 * `pnpm start`: APO's whole local stack on one machine — server with embedded storage, proxy, agent and the
 * demo shop with traffic — started in dependency order, each ready before the next, then a table of what runs
 * where. Ctrl-C stops everything in reverse order. A component that dies takes the stack down with its last
 * log lines printed, rather than leaving a half-working stack that looks healthy.
 *
 * The console's URL comes first, before anything else is printed: it is what a user came for. The web
 * console is built before the server starts when it is missing or stale, and the desktop app opens on it
 * once the stack runs when an Electron binary is installed.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  detectElectronBinary,
  electronPathWithoutDownload,
} from '../apps/desktop/scripts/electron-binary.ts';
import {
  consoleBuildState,
  consoleLayout,
  describeResult,
  ensureConsoleBuilt,
} from '../scripts/console-build.ts';
import { consoleUrlOf, desktopComponent, stackComponents } from './components.ts';
import { loadStackConfig, STACK_USAGE, StackConfigError } from './env.ts';
import { launch, logTail, stop, waitReady, type Running } from './supervisor.ts';

let config;
try {
  config = loadStackConfig(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof StackConfigError)) throw err;
  console.error(`apo stack: ${err.message}`);
  process.exit(2);
}
if (config === 'help') {
  console.log(STACK_USAGE);
  process.exit(0);
}

const logDir = join(config.dir, 'logs');
const running: Running[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const r of [...running].reverse()) await stop(r);
  }
  process.exit(code);
}

process.on('SIGINT', () => {
  if (!stopping) console.log('\nstopping the stack…');
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));

const consoleUrl = consoleUrlOf(config);
const desktopDir = fileURLToPath(new URL('../apps/desktop', import.meta.url));
const electron = config.withDesktop
  ? detectElectronBinary(() => electronPathWithoutDownload(desktopDir, config.env))
  : { found: false as const, reason: '--no-desktop' };
console.log(
  electron.found
    ? `APO console: ${consoleUrl}   (the desktop app opens on it once the stack runs)`
    : `APO console: ${consoleUrl}   (open it in a browser once the stack runs)`,
);
console.log(`apo stack: starting (logs in ${logDir})`);

const consoleState = await consoleBuildState(consoleLayout());
if (consoleState.state !== 'fresh') {
  const started = Date.now();
  process.stdout.write(`  console building (${consoleState.state})… `);
  const result = await ensureConsoleBuilt();
  // A failed build does not stop the stack: the API works, and / says how to build the console.
  if (result.result === 'failed') console.log(`\n${describeResult(result)}`);
  else console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
for (const component of stackComponents(config)) {
  const started = Date.now();
  process.stdout.write(`  ${component.name.padEnd(7)} starting… `);
  const r = await launch(component, logDir, config.env);
  running.push(r);
  try {
    await waitReady(r);
  } catch (err) {
    console.log('failed');
    console.error(`\n${(err as Error).message}. Last lines of ${r.logFile}:\n${await logTail(r.logFile)}`);
    await shutdown(1);
  }
  console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  void r.exited.then(async (code) => {
    if (stopping) return;
    console.error(
      `\n${component.name} exited unexpectedly (code ${code}). Last lines of ${r.logFile}:\n${await logTail(r.logFile)}`,
    );
    await shutdown(1);
  });
}

if (electron.found) {
  const desktop = await launch(desktopComponent(config, electron.path), logDir, config.env);
  running.push(desktop);
  void desktop.exited.then((code) => {
    if (!stopping) console.log(`\nthe desktop app closed (code ${code}); the stack keeps running`);
  });
}

console.log('\nAPO is running:\n');
console.log(`  console          ${consoleUrl}${electron.found ? '   (in the desktop app)' : ''}`);
for (const r of running) {
  console.log(`  ${r.component.name} (pid ${r.child.pid})`);
  for (const line of r.component.where) console.log(`    ${line}`);
}
console.log(`\n  logs             ${logDir}/<component>.log`);
console.log('\nCtrl-C stops everything.');
