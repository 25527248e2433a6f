/**
 * docs/api.md is generated from the server's router (`pnpm docs:api`): regenerated here, it must equal the
 * committed file, so a procedure added, renamed, re-typed or given a role shows in the reference or fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiDocPath, generateApiDocs } from '../../scripts/api-docs.ts';
import { procedureModels } from '../../scripts/api-docs-model.ts';

describe('docs/api.md', () => {
  it('is what `pnpm docs:api` generates from the router', async () => {
    const generated = await generateApiDocs();
    const committed = readFileSync(apiDocPath, 'utf8');
    // A plain comparison first: the message is what a developer needs to read.
    if (generated !== committed) {
      expect.fail('docs/api.md is out of date with the router: run `pnpm docs:api` and commit the result');
    }
  }, 60_000); // a TypeScript program over the server's sources

  it('lists every procedure of the router with its kind and role', () => {
    const doc = readFileSync(apiDocPath, 'utf8');
    const models = procedureModels();
    expect(models.map((m) => m.path)).toContain('services.list');
    for (const m of models) {
      expect(doc).toContain(
        `### ${m.path}\n\n${m.kind} · role: ${m.role === undefined ? '—' : `\`${m.role}\``}`,
      );
    }
  });
});
