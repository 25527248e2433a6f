// `node --require @apo/agent/instrument app.js`: the CommonJS form. require() of the ES modules is
// synchronous (Node >= 22.12), so everything is in place before the app's first line runs.
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload has only require()
const { startModule } = /** @type {typeof import('./entry.mjs')} */ (require('./entry.mjs'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
const { startInstrumentation } = /** @type {typeof import('./start.ts')} */ (require(startModule));

startInstrumentation();
