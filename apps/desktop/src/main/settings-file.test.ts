import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readSettingsFile, serialisedWriter, writeSettingsFile } from './settings-file.ts';

const schema = z.object({ version: z.literal(1), names: z.array(z.string()) });
const defaults = () => ({ version: 1 as const, names: [] });

let dir: string;
let warnings: string[];
const warn = (message: string) => warnings.push(message);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-settings-'));
  warnings = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readSettingsFile', () => {
  it('reads defaults silently when the file does not exist yet', async () => {
    await expect(readSettingsFile(join(dir, 'none.json'), schema, defaults, warn)).resolves.toEqual(
      defaults(),
    );
    expect(warnings).toEqual([]);
  });

  it.each([
    ['truncated JSON', '{"version":1,"na', 'is not JSON'],
    ['foreign JSON', '{"version":7,"names":"x"}', 'names: '],
    ['a bare value', '42', '(root)'],
    ['an empty file', '', 'is not JSON'],
  ])('reads defaults and logs a warning for %s, never throwing', async (_what, content, expected) => {
    const path = join(dir, 'settings.json');
    await writeFile(path, content);
    await expect(readSettingsFile(path, schema, defaults, warn)).resolves.toEqual(defaults());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toContain(expected);
  });

  it('reads defaults and warns when the path cannot be read (a directory)', async () => {
    await expect(readSettingsFile(dir, schema, defaults, warn)).resolves.toEqual(defaults());
    expect(warnings[0]).toContain('cannot be read');
  });
});

describe('writeSettingsFile', () => {
  it('writes through a temporary file, leaves none behind, and reads back', async () => {
    const path = join(dir, 'nested', 'settings.json');
    await writeSettingsFile(path, { version: 1, names: ['a'] });
    expect(await readdir(join(dir, 'nested'))).toEqual(['settings.json']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, names: ['a'] });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(readSettingsFile(path, schema, defaults, warn)).resolves.toEqual({
      version: 1,
      names: ['a'],
    });
  });

  it('keeps the old file when a write fails, and cleans up its temporary file', async () => {
    const path = join(dir, 'settings.json');
    await writeSettingsFile(path, { version: 1, names: ['old'] });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(writeSettingsFile(path, cyclic)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['settings.json']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, names: ['old'] });
  });
});

describe('serialisedWriter', () => {
  it('applies writes in call order, and a failed write does not block the next', async () => {
    const path = join(dir, 'settings.json');
    const write = serialisedWriter(path, warn);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const results = await Promise.allSettled([
      write({ version: 1, names: ['1'] }),
      write(cyclic),
      write({ version: 1, names: ['3'] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, names: ['3'] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('could not be saved');
  });
});
