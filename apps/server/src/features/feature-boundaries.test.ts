/**
 * The rules of storage/read/index.ts and domain-errors.ts, checked on the source: reads only in each
 * feature's one query module, and no feature depending on the API layer's errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = import.meta.dirname;
const sources = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));

describe('feature modules', () => {
  it('read stored data only in their one <domain>-queries.ts module', () => {
    const reading = sources.filter((s) => /\b(readRows|defineQuery)\(|\bSELECT\b/.test(s.text));
    expect(reading.map((s) => s.file).filter((f) => !/^[a-z]+\/[a-z]+-queries\.ts$/.test(f))).toEqual([]);
    const perFeature = new Map<string, number>();
    for (const { file } of reading) {
      const feature = file.split('/')[0] ?? '';
      perFeature.set(feature, (perFeature.get(feature) ?? 0) + 1);
    }
    expect([...perFeature].filter(([, n]) => n > 1)).toEqual([]);
  });

  it('throw domain errors, never the API layer’s', () => {
    const importsApiErrors = /from '[^']*\/trpc\/errors\.ts'/;
    expect(sources.filter((s) => importsApiErrors.test(s.text)).map((s) => s.file)).toEqual([]);
  });
});
