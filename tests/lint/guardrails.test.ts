/**
 * Each guardrail of `pnpm lint` (docs/lint.md) fails on a deliberately broken fixture (tests/lint/fixtures/,
 * which the normal lint run ignores): ESLint's rules through its Node API with the repository's config,
 * knip on a small project of its own, the cast ratchet through its functions.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { compare, measure, RATCHET_FILE, type Ratchet } from '../../scripts/cast-ratchet.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(root, 'tests/lint/fixtures');

const eslintCases = [
  'cycle/left.ts',
  'apps/agent/src/imports-server.ts',
  'apps/desktop/src/renderer/reads-disk.ts',
  'apps/desktop/src/renderer/uses-electron.ts',
  'apps/desktop/src/renderer/router-type.ts',
  'apps/desktop/src/renderer/router-value.ts',
  'packages/shared/src/uses-fs.ts',
  'export-all/barrel.ts',
  'max-lines/long-file.ts',
] as const;

describe('lint guardrails', () => {
  const results = new Map<string, Linter.LintMessage[]>();

  beforeAll(async () => {
    // ignore: false lints the fixtures that eslint.config.js ignores in the normal run.
    const eslint = new ESLint({ cwd: root, ignore: false });
    for (const result of await eslint.lintFiles(eslintCases.map((file) => join(fixtures, file)))) {
      results.set(result.filePath.slice(fixtures.length + 1), result.messages);
    }
  }, 120_000);

  const messages = (file: (typeof eslintCases)[number], ruleId: string): string[] =>
    (results.get(file) ?? []).filter((m) => m.ruleId === ruleId).map((m) => m.message);

  it('forbids import cycles (import-x/no-cycle)', () => {
    expect(messages('cycle/left.ts', 'import-x/no-cycle')).toEqual(['Dependency cycle detected']);
  });

  it('forbids an app importing another app', () => {
    expect(messages('apps/agent/src/imports-server.ts', 'no-restricted-imports')).toEqual([
      expect.stringContaining('apps never import apps (agent → server)'),
    ]);
  });

  it('allows the console only a type-only import of @apo/server/router', () => {
    expect(messages('apps/desktop/src/renderer/router-type.ts', 'no-restricted-imports')).toEqual([]);
    expect(messages('apps/desktop/src/renderer/router-value.ts', 'no-restricted-imports')).toEqual([
      expect.stringContaining("only `import type { AppRouter } from '@apo/server/router'`"),
    ]);
  });

  it('forbids Node built-ins in the renderer', () => {
    expect(messages('apps/desktop/src/renderer/reads-disk.ts', 'no-restricted-imports')).toEqual([
      expect.stringContaining('the renderer never imports Node built-ins'),
    ]);
  });

  it('forbids electron in the renderer', () => {
    expect(messages('apps/desktop/src/renderer/uses-electron.ts', 'no-restricted-imports')).toEqual([
      expect.stringContaining('the renderer reaches the OS only through the preload bridge'),
    ]);
  });

  it('forbids Node built-ins in packages/shared', () => {
    expect(messages('packages/shared/src/uses-fs.ts', 'no-restricted-imports')).toEqual([
      expect.stringContaining('packages/shared is platform-free'),
    ]);
  });

  it('forbids export *', () => {
    expect(messages('export-all/barrel.ts', 'no-restricted-syntax')).toEqual([
      expect.stringContaining('no `export *`'),
    ]);
  });

  it('limits a file to 400 lines of code', () => {
    expect(messages('max-lines/long-file.ts', 'max-lines')).toEqual([
      'File has too many lines (401). Maximum allowed is 400.',
    ]);
  });

  it('reports unused exports (knip)', async () => {
    const knip = join(root, 'node_modules/knip/bin/knip.js');
    const run = promisify(execFile)(process.execPath, [knip, '--reporter', 'json', '--no-progress'], {
      cwd: join(fixtures, 'knip'),
    });
    const failure = await run.then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string },
    );
    expect(failure?.code).toBe(1);
    const report = JSON.parse(failure?.stdout ?? '{}') as {
      issues: { file: string; exports: { name: string }[] }[];
    };
    expect(report.issues.map((issue) => [issue.file, issue.exports.map((e) => e.name)])).toEqual([
      ['src/helpers.ts', ['forgotten']],
    ]);
  }, 60_000);

  it('fails the cast ratchet when a file gains a cast or a non-null assertion', () => {
    const file = 'ratchet/grows.ts';
    const current = measure(fixtures, [file]);
    // `as const` is not a cast.
    expect(current).toEqual({ [file]: { as: 2, nonNull: 1 } });
    expect(compare(current, { [file]: { as: 1, nonNull: 0 } }).grown).toEqual([
      `${file}: 2 as-cast(s), 1 non-null assertion(s) (recorded: 1 as-cast(s), 0 non-null assertion(s))`,
    ]);
    expect(compare(current, {}).grown).toEqual([
      `${file}: 2 as-cast(s), 1 non-null assertion(s) (recorded: not in the ratchet)`,
    ]);
    expect(compare(current, { [file]: { as: 3, nonNull: 1 } })).toEqual({
      grown: [],
      lowered: [
        `${file}: 2 as-cast(s), 1 non-null assertion(s) (recorded: 3 as-cast(s), 1 non-null assertion(s))`,
      ],
    });
  });

  it('keeps the repository itself at zero: the ratchet holds', () => {
    const recorded = (JSON.parse(readFileSync(join(root, RATCHET_FILE), 'utf8')) as { files: Ratchet }).files;
    expect(compare(measure(root), recorded).grown).toEqual([]);
  });
});
