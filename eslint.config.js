// ESLint flat config: type-aware rules everywhere, plus the architecture's dependency rules
// (apps never import apps; packages/shared stays platform-free; the renderer never reaches Node or Electron).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'http',
  'https',
  'net',
  'crypto',
  'zlib',
  'stream',
  'worker_threads',
];
const otherApps = (self) =>
  ['server', 'agent', 'proxy', 'desktop']
    .filter((a) => a !== self)
    .map((a) => ({
      group: [`@apo/${a}`, `@apo/${a}/*`, `**/apps/${a}/**`],
      message: `apps never import apps (${self} → ${a}).`,
    }));

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.build/**',
      '**/out/**',
      '**/coverage/**',
      'test-results/**',
      'playwright-report/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: "read process.env only in an app's env.ts" },
      ],
    },
  },
  {
    files: [
      '**/env.ts',
      '**/*.test.ts',
      '**/test/support/**',
      // Test helpers a package exports to other packages' tests (e.g. @apo/otlp-transport/testing).
      'packages/*/src/testing/**',
      // Fixture apps started by tests read their settings like any app would.
      '**/test/**/apps/**',
      'bench/**',
      'e2e/**',
      'tests/**',
      '*.config.ts',
      'apps/desktop/scripts/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // The OpenTelemetry API's enums are typed through several package copies; values are the API's own.
    files: ['**/test/support/otel-sdk.ts'],
    rules: { '@typescript-eslint/no-unsafe-enum-assignment': 'off' },
  },
  ...['server', 'agent', 'proxy'].map((app) => ({
    files: [`apps/${app}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: otherApps(app) }] },
  })),
  {
    files: ['apps/desktop/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: otherApps('desktop').map((p) =>
            p.group[0] === '@apo/server'
              ? { ...p, group: ['@apo/server', '**/apps/server/**'], allowTypeImports: true }
              : p,
          ),
        },
      ],
    },
  },
  {
    files: ['apps/desktop/src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'the renderer reaches the OS only through the preload bridge' },
          ],
          patterns: [
            { group: nodeBuiltins, message: 'the renderer never imports Node built-ins' },
            {
              group: ['@apo/server', '**/apps/server/**'],
              allowTypeImports: true,
              message: 'type-only imports of the server',
            },
          ],
        },
      ],
    },
  },
  {
    // The preload's plain-JavaScript entries and the bundler configs: allowJs without checkJs, so to the
    // type-aware rules every value there is \`any\`. They stay small; the implementation is TypeScript.
    files: ['apps/agent/src/instrument/*.{mjs,cjs}', 'apps/agent/rolldown.*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['packages/shared/**/*.ts'],
    ignores: ['packages/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, 'electron', 'fastify', '@apo/*'],
              message: 'packages/shared is platform-free',
            },
          ],
        },
      ],
    },
  },
);
