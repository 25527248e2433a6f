import { isMainThread } from 'node:worker_threads';
import { requireCjs } from './cjs.ts';
import { readInstrumentEnv } from './env.ts';
import type * as Setup from './setup.ts';
import type { StartedInstrumentation } from './setup.ts';

export type { StartedInstrumentation } from './setup.ts';

/**
 * What both entry points call (`register.mjs` for `--import`, `register.cjs` for `--require`): decides
 * whether to start, and starts once per process; a second call (both flags given) returns the first
 * result. Only the decision lives here; OpenTelemetry itself is loaded from setup.ts after it.
 */
const STARTED = Symbol.for('apo.instrument.started');
type GlobalWithStarted = typeof globalThis & { [STARTED]?: StartedInstrumentation | null };

/** Returns null where nothing is started: in worker threads, and with OTEL_SDK_DISABLED=true. */
export function startInstrumentation(): StartedInstrumentation | null {
  const global = globalThis as GlobalWithStarted;
  const existing = global[STARTED];
  if (existing !== undefined) return existing;
  // Workers inherit the preload flags, but a worker shares the process (and its resource) with the main
  // thread: starting a second SDK there would cost every worker the start-up and report it twice.
  if (!isMainThread) return (global[STARTED] = null);

  const config = readInstrumentEnv();
  for (const warning of config.warnings) process.emitWarning(warning, { code: 'APO_INSTRUMENT_CONFIG' });
  if (config.disabled) return (global[STARTED] = null);

  const script = process.argv[1];
  const entryScript = script === undefined || script === '' || script === '-' ? undefined : script;
  // require() of an ES module is synchronous, so the --require entry is set up before the app runs too.
  // From the sources setup.ts sits next to this file; in the bundle (dist/instrument/) its entry setup.mjs does.
  const setupModule = import.meta.url.endsWith('.ts') ? './setup.ts' : './setup.mjs';
  const { setUpInstrumentation } = requireCjs(setupModule) as typeof Setup;
  return (global[STARTED] = setUpInstrumentation(config, entryScript));
}
