/**
 * Runs every benchmark in this folder one after another (`pnpm bench`), or the ones named:
 *   pnpm bench codec ingest
 * The hour-long soak (`demo-soak`), the services overview (`overview`: ~10 minutes of loading 46 M rollup
 * rows and 10 M spans first), the investigation speed (`investigation`: 10 M spans first) and the root-cause
 * accuracy (`rca`: a running stack; `rca-replay`: a stack's recorded data) run only when named. Each prints its own figures; see README.md here for
 * what they measure and the targets.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
// Long runs only when named.
const longRunning = [
  'demo-soak.bench.ts',
  'investigation.bench.ts',
  'overview.bench.ts',
  'rca.bench.ts',
  'rca-replay.bench.ts',
];
const wanted = process.argv.slice(2);
const chosen =
  wanted.length === 0
    ? all.filter((f) => !longRunning.includes(f))
    : all.filter((f) => wanted.includes(f.replace('.bench.ts', '')));
if (chosen.length === 0) {
  console.error(
    `no benchmark named ${wanted.join(', ')}; available: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')}`,
  );
  process.exit(2);
}
let failed = 0;
for (const file of chosen) {
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, [`${dir}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
