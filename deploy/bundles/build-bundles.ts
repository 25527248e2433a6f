/**
 * `pnpm build` step (also `node deploy/bundles/build-bundles.ts [--out dir] [agent|proxy|server…]`): the
 * runnable bundles of the headless components, by default in `dist/bundles/` at the repository's root.
 * docs/deploy.md says how to copy one to a host.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBundle, repoRoot } from './build-bundle.ts';
import { appNames, type AppName } from './bundled-apps.ts';

const { values, positionals } = parseArgs({
  options: { out: { type: 'string', default: join(repoRoot, 'dist', 'bundles') } },
  allowPositionals: true,
});
const wanted = positionals.length > 0 ? positionals : appNames;
for (const app of wanted) {
  if (!appNames.includes(app as AppName))
    throw new Error(`unknown component ${app} (${appNames.join(', ')})`);
  const started = performance.now();
  const bundle = await buildBundle(app as AppName, values.out);
  // du counts what a copy to another machine would write (hard links into the pnpm store included).
  const size = execFileSync('du', ['-sh', '--count-links', bundle.dir], { encoding: 'utf8' }).split('\t')[0];
  process.stdout.write(
    `${bundle.dir}: ${size}, ${bundle.packages.length} installed packages, ${Math.round(performance.now() - started)} ms\n`,
  );
}
