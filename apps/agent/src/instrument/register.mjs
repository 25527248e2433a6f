// `node --import @apo/agent/instrument app.js`: starts APO's OpenTelemetry instrumentation before the app.
// Plain JavaScript, one entry per module kind (this and register.cjs); the implementation is TypeScript.
import { startInstrumentation } from './start.ts';

const started = startInstrumentation();
// With the asynchronous loader hook, the app's first import must wait until the loader knows what to wrap.
if (started !== null) await started.ready;
