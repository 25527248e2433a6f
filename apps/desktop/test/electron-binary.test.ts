import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectElectronBinary,
  electronPathWithoutDownload,
  missingElectronMessage,
} from '../scripts/electron-binary.ts';

// Stand-ins only: these tests never look at (or need) a real Electron binary.
const scratch = mkdtempSync(join(tmpdir(), 'apo-electron-standin-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('Electron binary detection (using stand-in paths)', () => {
  it('finds a binary when the stand-in path exists', () => {
    const standIn = join(scratch, 'electron-standin');
    writeFileSync(standIn, '');
    expect(detectElectronBinary(() => standIn)).toEqual({ found: true, path: standIn });
  });

  it('reports a stand-in path that does not exist as missing, naming the path', () => {
    const missing = join(scratch, 'dist', 'electron');
    expect(detectElectronBinary(() => missing)).toEqual({
      found: false,
      reason: `no Electron executable at ${missing}`,
    });
  });

  it('reports a resolver that throws as missing, with its message', () => {
    expect(
      detectElectronBinary(() => {
        throw new Error('Electron failed to install correctly');
      }),
    ).toEqual({
      found: false,
      reason: 'Electron failed to install correctly',
    });
  });

  it('computes the path like require("electron") from a stand-in package, without downloading', () => {
    const pkg = join(scratch, 'project', 'node_modules', 'electron');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), '{"name":"electron","version":"0.0.0-standin"}');
    const project = join(scratch, 'project');
    expect(() => electronPathWithoutDownload(project, {})).toThrow('has no path.txt');
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    expect(electronPathWithoutDownload(project, {})).toBe(join(pkg, 'dist', 'electron'));
    expect(electronPathWithoutDownload(project, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron' })).toBe(
      '/opt/electron/electron',
    );
    expect(electronPathWithoutDownload(project, { ELECTRON_EXEC_PATH: '/usr/bin/electron45' })).toBe(
      '/usr/bin/electron45',
    );
  });

  it('tells the user how to install Electron and how to use the browser console instead', () => {
    const message = missingElectronMessage('no path.txt');
    expect(message).toContain('The Electron binary is not installed on this machine');
    expect(message).toContain('pnpm --filter @apo/desktop exec node node_modules/electron/install.js');
    expect(message).toContain('ELECTRON_MIRROR=');
    expect(message).toContain('pnpm --filter @apo/desktop dev:web');
  });
});
