// Setup file of the `unit` vitest project: unit tests start no process and open no engine. Either makes
// the test fail with the rule it broke, so a test that needs one is moved to the integration project
// (vitest.config.ts) instead of slowing `pnpm test:unit` down unnoticed.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const childProcess = require('node:child_process') as Record<string, unknown>;

for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = () => {
    throw new Error(
      `unit tests start no processes (child_process.${name}): list this test file under integrationInSrc in vitest.config.ts`,
    );
  };
}
// Imports of node:child_process read the ESM bindings, which follow the CommonJS object only after this.
syncBuiltinESMExports();

const dlopen = process.dlopen.bind(process);
process.dlopen = (module, filename, ...rest) => {
  if (/chdb/i.test(filename)) {
    throw new Error(
      `unit tests open no engine (loading ${filename}): list this test file under integrationInSrc in vitest.config.ts`,
    );
  }
  dlopen(module, filename, ...rest);
};
