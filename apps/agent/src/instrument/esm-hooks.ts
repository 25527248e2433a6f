import { register as registerLoader } from 'node:module';
import type * as Iitm from 'import-in-the-middle';
import type * as IitmSyncHooks from 'import-in-the-middle/register-hooks.mjs';
import { requireCjs } from './cjs.ts';

/**
 * The module-loader hook that lets instrumentations patch packages an app `import`s (require() is
 * covered by require-in-the-middle without any hook). Two ways, one chosen per process:
 *
 * - `sync`: `module.registerHooks()` runs import-in-the-middle on the app's own thread. No loader thread
 *   to start, no message round trip per module, and it can be installed from a `--require` preload too.
 *   Needs Node >= 22.22.3 / 24.11.1 (import-in-the-middle's `supportsSyncHooks()`).
 * - `async`: the documented `module.register('…/hook.mjs')` loader on its own thread, told which modules
 *   to wrap over a message channel; the `--import` entry awaits its acknowledgement before the app loads.
 *
 * Either way only the modules the instrumentations name are wrapped; every other import is untouched.
 *
 * `off` when there is no main script (`node -e`, `-p`, stdin, the REPL): there Node exposes every built-in
 * module as a global whose getter `require()`s it, and import-in-the-middle's synchronous load hook fails
 * on those requires (ENOENT for 'module', 'http', …) — a crash of `NODE_OPTIONS=--require … node -e …`.
 * Code evaluated that way rarely `import`s a framework; require() is still instrumented.
 */
// The CommonJS entry of import-in-the-middle is the instance the instrumentations' Hook() calls reach.
const { createAddHookMessageChannel } = requireCjs('import-in-the-middle') as typeof Iitm;
const { register: registerSyncHooks, supportsSyncHooks } = requireCjs(
  'import-in-the-middle/register-hooks.mjs',
) as typeof IitmSyncHooks;

export const EsmHookMode = { Sync: 'sync', Async: 'async', Off: 'off' } as const;
export type EsmHookMode = (typeof EsmHookMode)[keyof typeof EsmHookMode];

export interface EsmHookSession {
  mode: EsmHookMode;
  /**
   * Call once the instrumentations exist (their constructors register what they hook). Resolves when the
   * loader knows every module to wrap; the `--import` entry awaits it so the app's first import is seen.
   */
  finish(moduleNames: readonly string[]): Promise<void>;
}

/** `sync` wherever the running Node supports it, unless `async` is asked for (APO_INSTRUMENT_ESM_LOADER). */
export function chooseEsmHookMode(choice: 'auto' | 'sync' | 'async', hasMainScript: boolean): EsmHookMode {
  if (!hasMainScript) return EsmHookMode.Off;
  return choice !== 'async' && supportsSyncHooks() ? EsmHookMode.Sync : EsmHookMode.Async;
}

/** Must run before any instrumentation is constructed: in async mode their hooks travel over the channel. */
export function startEsmHooks(mode: EsmHookMode): EsmHookSession {
  switch (mode) {
    case EsmHookMode.Sync:
      return {
        mode,
        finish(moduleNames) {
          registerSyncHooks({ include: [...new Set(moduleNames)] });
          return Promise.resolve();
        },
      };
    case EsmHookMode.Async: {
      const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
      // Deprecated in favour of registerHooks(), which is what the sync mode uses; this is the fallback for
      // Node versions where that cannot run import-in-the-middle yet.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      registerLoader('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
      return { mode, finish: () => waitForAllMessagesAcknowledged() };
    }
    case EsmHookMode.Off:
      return { mode, finish: () => Promise.resolve() };
  }
}
