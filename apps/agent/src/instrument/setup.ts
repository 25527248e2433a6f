import type * as Api from '@opentelemetry/api';
import type { DiagLogLevel } from '@opentelemetry/api';
import type * as Instrumentation from '@opentelemetry/instrumentation';
import type { Resource } from '@opentelemetry/resources';
import { requireCjs } from './cjs.ts';
import type { DiagLevel, InstrumentConfig } from './env.ts';
import { chooseEsmHookMode, startEsmHooks, type EsmHookMode } from './esm-hooks.ts';
import { installExitFlush } from './exit-flush.ts';
import { createInstrumentations, hookedModuleNames } from './instrumentations.ts';
import { startProviders, type TelemetryProviders } from './providers.ts';
import { buildResource, defaultResourceInputs } from './resource.ts';
import { detectServiceIdentity } from './service-identity.ts';

const { DiagConsoleLogger, DiagLogLevel: Level, diag } = requireCjs('@opentelemetry/api') as typeof Api;
const { registerInstrumentations } = requireCjs('@opentelemetry/instrumentation') as typeof Instrumentation;

/**
 * The heavy half of the preload: the SDK providers exporting to the agent, the instrumentations, the ESM
 * loader hook and the flush at exit. Loaded by start.ts only once it has decided to start, so a worker
 * thread or a disabled process does not pay for loading OpenTelemetry.
 */
export interface StartedInstrumentation {
  config: InstrumentConfig;
  resource: Resource;
  providers: TelemetryProviders;
  esmHookMode: EsmHookMode;
  /** Resolves when the ESM loader knows every module to wrap (immediately with synchronous hooks). */
  ready: Promise<void>;
}

const diagLevels: Record<DiagLevel, DiagLogLevel> = {
  none: Level.NONE,
  error: Level.ERROR,
  warn: Level.WARN,
  info: Level.INFO,
  debug: Level.DEBUG,
  verbose: Level.VERBOSE,
  all: Level.ALL,
};

/** @param entryScript the main script, or undefined for `node -e`, `-p`, stdin and the REPL. */
export function setUpInstrumentation(
  config: InstrumentConfig,
  entryScript: string | undefined,
): StartedInstrumentation {
  if (config.diagLevel !== 'none') {
    diag.setLogger(new DiagConsoleLogger(), { logLevel: diagLevels[config.diagLevel] });
  }
  // Before any instrumentation exists: in async mode their hooks are announced to the loader as made.
  const esm = startEsmHooks(chooseEsmHookMode(config.esmLoader, entryScript !== undefined));
  const identity = detectServiceIdentity(entryScript);
  const resource = buildResource(
    defaultResourceInputs(identity, config.serviceName, config.resourceAttributes),
  );
  const providers = startProviders(config, resource);
  const instrumentations = createInstrumentations();
  registerInstrumentations({
    instrumentations,
    tracerProvider: providers.tracerProvider,
    meterProvider: providers.meterProvider,
    loggerProvider: providers.loggerProvider,
  });
  const ready = esm.finish(hookedModuleNames(instrumentations));
  installExitFlush(providers, config.exitFlushTimeoutMs);
  diag.debug(
    `apo instrumentation started: service ${identity.name} (from ${identity.source}), ESM hooks ${esm.mode}`,
  );
  return { config, resource, providers, esmHookMode: esm.mode, ready };
}
