/**
 * docs/limits.md and the README are what an operator reads to learn a setting exists: every variable a
 * component reads, and every key of the agent's and proxy's `connections` block, must appear in one of them.
 * Read from the components' own sources, so a new setting without its line fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectionsConfigSchema } from '../../packages/otlp-transport/src/config/connections-config.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const documented = read('README.md') + read('docs/limits.md');

function variablesReadBy(path: string): string[] {
  return [...new Set([...read(path).matchAll(/env\.(APO_[A-Z0-9_]+)/g)].map((m) => m[1]!))].sort();
}

/** A row may name a variable whole, or by its distinct part after a sibling (`APO_MAX_SPAN_EVENTS` / `_LINKS`). */
function isDocumented(variable: string): boolean {
  if (documented.includes(`\`${variable}\``)) return true;
  const parts = variable.split('_');
  for (let i = 2; i < parts.length; i++) {
    const tail = `_${parts.slice(i).join('_')}`;
    const head = parts.slice(0, i).join('_');
    if (documented.includes(`\`${tail}\``) && documented.includes(`\`${head}_`)) return true;
  }
  return false;
}

describe('every setting is documented', () => {
  it('names each variable the server reads in README.md or docs/limits.md', () => {
    const variables = variablesReadBy('apps/server/src/env.ts');
    expect(variables.length).toBeGreaterThan(40);
    expect(variables.filter((v) => !isDocumented(v))).toEqual([]);
  });

  it('names each key of the agent and proxy `connections` block in docs/limits.md', () => {
    const keys = Object.keys(connectionsConfigSchema.parse({}));
    expect(keys).toContain('headersTimeoutSeconds');
    const limits = read('docs/limits.md');
    expect(keys.filter((key) => !limits.includes(`connections.${key}`))).toEqual([]);
  });
});
