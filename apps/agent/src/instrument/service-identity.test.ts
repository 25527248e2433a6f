import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectServiceIdentity, UNKNOWN_SERVICE } from './service-identity.ts';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'apo-service-identity-'));
  mkdirSync(join(root, 'shop', 'src', 'esm'), { recursive: true });
  writeFileSync(join(root, 'shop', 'package.json'), JSON.stringify({ name: '@acme/shop', version: '2.0.1' }));
  // A folder-level package.json that only sets the module type names nothing.
  writeFileSync(join(root, 'shop', 'src', 'esm', 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(root, 'shop', 'src', 'esm', 'main.mjs'), '');
  mkdirSync(join(root, 'broken'));
  writeFileSync(join(root, 'broken', 'package.json'), '{ not json');
  writeFileSync(join(root, 'broken', 'worker.js'), '');
  symlinkSync(join(root, 'shop', 'src', 'esm', 'main.mjs'), join(root, 'linked-main.mjs'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('detectServiceIdentity', () => {
  it('takes name and version from the nearest package.json that has a name', () => {
    expect(detectServiceIdentity(join(root, 'shop', 'src', 'esm', 'main.mjs'))).toEqual({
      name: '@acme/shop',
      version: '2.0.1',
      source: 'package.json',
    });
  });

  it('follows a symlinked entry script to where it really lives', () => {
    expect(detectServiceIdentity(join(root, 'linked-main.mjs')).name).toBe('@acme/shop');
  });

  it('falls back to the script file name when no package.json names the app', () => {
    // Assumes no package.json with a name above the temporary directory, as on a normal machine.
    expect(detectServiceIdentity(join(root, 'broken', 'worker.js'))).toEqual({
      name: 'worker',
      version: undefined,
      source: 'script',
    });
  });

  it('uses the OpenTelemetry fallback when there is no script (node -e, the REPL)', () => {
    expect(detectServiceIdentity(undefined)).toEqual({
      name: UNKNOWN_SERVICE,
      version: undefined,
      source: 'default',
    });
  });
});
