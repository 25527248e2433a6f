import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../topology.ts';
import { prepareShopCode } from './shop-code.ts';

const buildRoot = fileURLToPath(new URL('../../.build/', import.meta.url));

describe('the code the shop runs', () => {
  it('is JavaScript compiled module for module into a private directory, removed on dispose', async () => {
    const code = await prepareShopCode();
    try {
      expect(code.form).toBe('javascript');
      for (const s of SERVICES) {
        const entry = code.serviceEntry(s.name);
        expect(entry).toMatch(
          new RegExp(`/\\.build/${process.pid}-[0-9a-f]+/services/${s.name}/main\\.mjs$`),
        );
        expect(existsSync(entry)).toBe(true);
        // Its package.json (name and version) sits next to its entry, as in the sources.
        const pkg = JSON.parse(readFileSync(join(dirname(entry), 'package.json'), 'utf8')) as {
          name: string;
        };
        expect(pkg.name).toContain(s.name);
      }
      expect(existsSync(code.trafficEntry)).toBe(true);
      // Not merged: the modules the services share are files of their own, as the preload expects.
      expect(existsSync(join(dirname(code.trafficEntry), '..', 'runtime', 'service.mjs'))).toBe(true);
      expect(existsSync(join(dirname(code.trafficEntry), '..', 'db', 'pg-locker-worker.mjs'))).toBe(true);
    } finally {
      await code.dispose();
    }
    expect(existsSync(dirname(dirname(code.trafficEntry)))).toBe(false);
  });

  it('removes what a killed shop left behind, and keeps a live one’s', async () => {
    const dead = join(buildRoot, '2147483646-0badc0de'); // no such process
    const live = join(buildRoot, `${process.ppid}-0badc0de`);
    mkdirSync(dead, { recursive: true });
    mkdirSync(live, { recursive: true });
    const code = await prepareShopCode();
    await code.dispose();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    rmSync(live, { recursive: true, force: true });
  });
});
