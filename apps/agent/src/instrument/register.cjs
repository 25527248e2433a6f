// `node --require @apo/agent/instrument app.js`: the CommonJS form. require() of the ES module is
// synchronous (Node >= 22.12), so everything is in place before the app's first line runs.
'use strict';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload has only require()
const { startInstrumentation } = require('./start.ts');

startInstrumentation();
