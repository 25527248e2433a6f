/**
 * The cast ratchet: `as` casts (not `as const`), `<T>x` assertions and non-null assertions (`x!`) in
 * production code, counted per file, may only go down. lint/cast-ratchet.json records each file's counts.
 *
 *   node scripts/cast-ratchet.ts check                  fails naming each file whose count grew or that is new
 *                                                       with casts; run by `pnpm lint`
 *   node scripts/cast-ratchet.ts update                 records lower counts (and drops files with none left)
 *   node scripts/cast-ratchet.ts update --accept-growth records every current count, higher ones too: for a
 *                                                       cast that is the honest answer, visible in review
 *
 * Production code: apps/* /src, packages/* /src, examples/* /src, stack/, deploy/ — not tests (*.test.ts,
 * test/, testing/), benchmarks, e2e or the test support code. See docs/lint.md.
 */
import { globSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface CastCounts {
  /** `x as T` (not `as const`) and `<T>x`. */
  as: number;
  /** `x!`. */
  nonNull: number;
}

export type Ratchet = Record<string, CastCounts>;

const PRODUCTION = [
  'apps/*/src/**/*.{ts,tsx,mts,cts}',
  'packages/*/src/**/*.{ts,tsx,mts,cts}',
  'examples/*/src/**/*.{ts,tsx,mts,cts}',
  'stack/**/*.ts',
  'deploy/**/*.ts',
];
const NOT_PRODUCTION = [
  /(^|\/)node_modules\//,
  /\.test\.tsx?$/,
  /\.d\.ts$/,
  /(^|\/)(test|tests|testing)\//,
  /(^|\/)(dist|out|\.build)\//,
];

export const RATCHET_FILE = 'lint/cast-ratchet.json';

/** The production files under `root`, relative, sorted. */
export function productionFiles(root: string): string[] {
  const files = new Set<string>();
  for (const pattern of PRODUCTION) {
    for (const file of globSync(pattern, { cwd: root, exclude: (name) => name === 'node_modules' })) {
      const rel = file.split('\\').join('/');
      if (!NOT_PRODUCTION.some((re) => re.test(rel))) files.add(rel);
    }
  }
  return [...files].sort();
}

/** Counts the casts and non-null assertions in one file's text. */
export function countCasts(fileName: string, text: string): CastCounts {
  const kind = fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const counts: CastCounts = { as: 0, nonNull: 0 };
  const visit = (node: ts.Node): void => {
    if (ts.isNonNullExpression(node)) counts.nonNull++;
    else if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      if (!ts.isConstTypeReference(node.type)) counts.as++;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return counts;
}

/** Current counts of every production file that has any. */
export function measure(root: string, files = productionFiles(root)): Ratchet {
  const current: Ratchet = {};
  for (const file of files) {
    const counts = countCasts(file, readFileSync(join(root, file), 'utf8'));
    if (counts.as > 0 || counts.nonNull > 0) current[file] = counts;
  }
  return current;
}

export interface Comparison {
  /** Files whose counts grew, or new files with casts: the check fails on these. */
  grown: string[];
  /** Files whose counts went down or that have none left: `update` records these. */
  lowered: string[];
}

const describe = (c: CastCounts | undefined): string =>
  c ? `${c.as} as-cast(s), ${c.nonNull} non-null assertion(s)` : 'not in the ratchet';

export function compare(current: Ratchet, recorded: Ratchet): Comparison {
  const grown: string[] = [];
  const lowered: string[] = [];
  const zero: CastCounts = { as: 0, nonNull: 0 };
  for (const file of new Set([...Object.keys(current), ...Object.keys(recorded)])) {
    const now = current[file] ?? zero;
    const was = recorded[file];
    const before = was ?? zero;
    if (now.as > before.as || now.nonNull > before.nonNull) {
      grown.push(`${file}: ${describe(current[file])} (recorded: ${describe(was)})`);
    } else if (now.as < before.as || now.nonNull < before.nonNull) {
      lowered.push(`${file}: ${describe(current[file])} (recorded: ${describe(was)})`);
    }
  }
  return { grown, lowered };
}

/** The new ratchet: lower counts always, higher or new ones only with `acceptGrowth`. */
export function updated(current: Ratchet, recorded: Ratchet, acceptGrowth: boolean): Ratchet {
  const next: Ratchet = {};
  for (const file of Object.keys(current).sort()) {
    const now = current[file];
    const was = recorded[file];
    if (!now) continue;
    if (acceptGrowth || !was) {
      if (acceptGrowth) next[file] = now;
      continue;
    }
    next[file] = { as: Math.min(now.as, was.as), nonNull: Math.min(now.nonNull, was.nonNull) };
  }
  return next;
}

const totals = (r: Ratchet): CastCounts =>
  Object.values(r).reduce((t, c) => ({ as: t.as + c.as, nonNull: t.nonNull + c.nonNull }), {
    as: 0,
    nonNull: 0,
  });

function readRatchet(path: string): Ratchet {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { files: Ratchet }).files;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

function writeRatchet(path: string, ratchet: Ratchet): void {
  // No total in the file (branches would conflict on it); one line per file, so a change reads as one line
  // per file in review, and prettier keeps it that way.
  const comment =
    'Casts (`as`, not `as const`) and non-null assertions per production file; they may only go down. `node scripts/cast-ratchet.ts update` records lower counts (docs/lint.md).';
  const lines = Object.entries(ratchet).map(
    ([file, c]) => `    ${JSON.stringify(file)}: { "as": ${c.as}, "nonNull": ${c.nonNull} }`,
  );
  writeFileSync(
    path,
    `{\n  "$comment": ${JSON.stringify(comment)},\n  "files": {\n${lines.join(',\n')}\n  }\n}\n`,
  );
}

function main(argv: string[]): number {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const ratchetPath = join(root, RATCHET_FILE);
  const [command, ...flags] = argv;
  const recorded = readRatchet(ratchetPath);
  const current = measure(root);
  const { grown, lowered } = compare(current, recorded);
  const now = totals(current);
  if (command === 'check') {
    if (grown.length > 0) {
      console.error(
        `cast ratchet: casts or non-null assertions grew in ${grown.length} file(s) (${relative(root, ratchetPath)}):\n` +
          grown.map((line) => `  ${line}`).join('\n') +
          '\nNarrow the type instead (a zod parse, a type guard, a check that throws). If a cast is the honest ' +
          'answer, record it with `node scripts/cast-ratchet.ts update --accept-growth` (docs/lint.md).',
      );
      return 1;
    }
    if (lowered.length > 0) {
      console.log(
        `cast ratchet: ${lowered.length} file(s) went down; record it with \`node scripts/cast-ratchet.ts update\`:\n` +
          lowered.map((line) => `  ${line}`).join('\n'),
      );
    }
    console.log(
      `cast ratchet: ${now.as} as-casts, ${now.nonNull} non-null assertions in production code; none grew.`,
    );
    return 0;
  }
  if (command === 'update') {
    const acceptGrowth = flags.includes('--accept-growth');
    const next = updated(current, recorded, acceptGrowth);
    writeRatchet(ratchetPath, next);
    const t = totals(next);
    console.log(`cast ratchet: recorded ${t.as} as-casts, ${t.nonNull} non-null assertions.`);
    if (!acceptGrowth && grown.length > 0) {
      console.error(
        `not recorded (grew; pass --accept-growth to record them):\n${grown.map((l) => `  ${l}`).join('\n')}`,
      );
      return 1;
    }
    return 0;
  }
  console.error('usage: node scripts/cast-ratchet.ts check | update [--accept-growth]');
  return 2;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
