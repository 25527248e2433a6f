import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clampWindowState,
  DEFAULT_WINDOW_SIZE,
  loadWindowState,
  trackWindowState,
  type Rectangle,
  type TrackedWindow,
  type WindowState,
} from './window-state.ts';

const laptop: Rectangle = { x: 0, y: 0, width: 1440, height: 875 };
const monitorRight: Rectangle = { x: 1440, y: 0, width: 2560, height: 1415 };
const saved = (bounds: Rectangle, maximized = false): WindowState => ({ version: 1, bounds, maximized });

describe('clampWindowState', () => {
  it('uses the default size, centred by the OS, with nothing saved', () => {
    expect(clampWindowState(undefined, [laptop])).toEqual({ bounds: DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('restores a window that fits where it was', () => {
    const bounds = { x: 1600, y: 100, width: 1800, height: 1000 };
    expect(clampWindowState(saved(bounds, true), [laptop, monitorRight])).toEqual({
      bounds,
      maximized: true,
    });
  });

  it('centres a window from an unplugged monitor on the primary display, shrunk to fit', () => {
    const onGoneMonitor = saved({ x: 1600, y: 100, width: 1800, height: 1000 });
    expect(clampWindowState(onGoneMonitor, [laptop])).toEqual({
      bounds: { x: 0, y: 0, width: 1440, height: 875 },
      maximized: false,
    });
    const small = saved({ x: 3000, y: 100, width: 1000, height: 600 });
    expect(clampWindowState(small, [laptop]).bounds).toEqual({ x: 220, y: 138, width: 1000, height: 600 });
  });

  it('pulls a half-visible window fully onto the display it overlaps most', () => {
    const straddling = saved({ x: 1200, y: -50, width: 1000, height: 700 });
    expect(clampWindowState(straddling, [laptop, monitorRight]).bounds).toEqual({
      x: 1440,
      y: 0,
      width: 1000,
      height: 700,
    });
  });

  it('grows a tiny saved window to the minimum size', () => {
    expect(clampWindowState(saved({ x: 10, y: 10, width: 50, height: 20 }), [laptop]).bounds).toEqual({
      x: 10,
      y: 10,
      width: 800,
      height: 500,
    });
  });
});

describe('window state file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apo-window-'));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads nothing, with a warning, from a file with absurd numbers', async () => {
    const file = join(dir, 'window-state.json');
    await writeFile(file, JSON.stringify(saved({ x: 0, y: 0, width: 1e12, height: 5 })));
    const warnings: string[] = [];
    await expect(loadWindowState(file, (m) => warnings.push(m))).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('saves once after the window stops moving, and again on close (BrowserWindow stand-in)', async () => {
    vi.useFakeTimers();
    const file = join(dir, 'window-state.json');
    const listeners = new Map<string, () => void>();
    let bounds: Rectangle = { x: 10.4, y: 20, width: 1000, height: 700 };
    let minimized = false;
    const window: TrackedWindow = {
      getNormalBounds: () => bounds,
      isMaximized: () => false,
      isMinimized: () => minimized,
      isFullScreen: () => false,
      on: (event, listener) => listeners.set(event, listener),
    };
    const tracking = trackWindowState(window, file, () => undefined, 500);
    for (let x = 0; x < 5; x++) {
      bounds = { ...bounds, x: x * 10 };
      listeners.get('move')?.();
    }
    await expect(readFile(file, 'utf8')).rejects.toThrow('ENOENT');
    await vi.advanceTimersByTimeAsync(500);
    await tracking.flush();
    await expect(loadWindowState(file, () => undefined)).resolves.toEqual(
      saved({ x: 40, y: 20, width: 1000, height: 700 }),
    );

    minimized = true;
    bounds = { x: -32000, y: -32000, width: 160, height: 28 };
    listeners.get('resize')?.();
    listeners.get('close')?.();
    await tracking.flush();
    // A minimized window's bounds are not the user's layout: the last real one stays.
    await expect(loadWindowState(file, () => undefined)).resolves.toEqual(
      saved({ x: 40, y: 20, width: 1000, height: 700 }),
    );
  });
});
