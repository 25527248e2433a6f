// `node --import @apo/agent/instrument app.js`: starts APO's OpenTelemetry instrumentation before the app.
// Plain JavaScript, one entry per module kind (this and register.cjs); the implementation is TypeScript, run
// from its JavaScript bundle when that is built and current (entry.mjs).
import { pathToFileURL } from 'node:url';
import { startModule } from './entry.mjs';

const { startInstrumentation } = /** @type {typeof import('./start.ts')} */ (
  await import(pathToFileURL(startModule).href)
);

const started = startInstrumentation();
// With the asynchronous loader hook, the app's first import must wait until the loader knows what to wrap.
if (started !== null) await started.ready;
