/**
 * The console window comes back where the user left it: size, position and maximized, from
 * window-state.json. Monitors change between runs (a laptop undocked), so a saved position is clamped into
 * a display that exists now; a window restored off-screen is a window the user cannot reach.
 */
import { z } from 'zod';
import { readSettingsFile, serialisedWriter, type Warn } from './settings-file.ts';

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_SIZE = { width: 1280, height: 800 } as const;
/** Below this the console's navigation and a panel no longer fit side by side. */
export const MIN_WINDOW_SIZE = { width: 800, height: 500 } as const;

const coordinate = z.number().int().min(-100_000).max(100_000);
const length = z.number().int().min(1).max(100_000);
const windowStateSchema = z.object({
  version: z.literal(1),
  bounds: z.object({ x: coordinate, y: coordinate, width: length, height: length }),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** What the BrowserWindow is created with: bounds absent means "let the OS centre the default size". */
export interface InitialWindowState {
  bounds: Rectangle | { width: number; height: number };
  maximized: boolean;
}

/**
 * Picks the display the saved window overlapped most (or the first, i.e. primary, when it overlaps none),
 * shrinks the window to fit its work area and moves it fully inside.
 * @param workAreas displays' work areas (without task bars), primary first.
 */
export function clampWindowState(saved: WindowState | undefined, workAreas: Rectangle[]): InitialWindowState {
  const primary = workAreas[0];
  if (saved === undefined || primary === undefined)
    return { bounds: { ...DEFAULT_WINDOW_SIZE }, maximized: false };
  const { bounds } = saved;
  let target = primary;
  let best = 0;
  for (const area of workAreas) {
    const overlap = intersectionArea(bounds, area);
    if (overlap > best) {
      best = overlap;
      target = area;
    }
  }
  const width = Math.min(Math.max(bounds.width, MIN_WINDOW_SIZE.width), target.width);
  const height = Math.min(Math.max(bounds.height, MIN_WINDOW_SIZE.height), target.height);
  if (best === 0) {
    // On no display any more: centre it on the primary one rather than guessing an edge.
    return {
      bounds: {
        x: target.x + Math.round((target.width - width) / 2),
        y: target.y + Math.round((target.height - height) / 2),
        width,
        height,
      },
      maximized: saved.maximized,
    };
  }
  return {
    bounds: {
      x: clamp(bounds.x, target.x, target.x + target.width - width),
      y: clamp(bounds.y, target.y, target.y + target.height - height),
      width,
      height,
    },
    maximized: saved.maximized,
  };
}

function intersectionArea(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

export function loadWindowState(file: string, warn: Warn): Promise<WindowState | undefined> {
  return readSettingsFile(file, windowStateSchema.optional(), () => undefined, warn);
}

/** The part of a BrowserWindow the tracker uses (a stand-in in tests). */
export interface TrackedWindow {
  /** The restored (not maximized) bounds, so un-maximizing next run goes back to the user's size. */
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

export interface WindowStateTracking {
  /** Writes the pending state now (the window is closing, the app quits). */
  flush(): Promise<void>;
}

/**
 * Saves the window's state a moment after it stops moving (a drag fires dozens of events a second) and
 * once more when it closes. Minimized and full-screen states are not saved: restoring either surprises.
 */
export function trackWindowState(
  window: TrackedWindow,
  file: string,
  warn: Warn,
  debounceMs = 500,
): WindowStateTracking {
  const write = serialisedWriter(file, warn);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: WindowState | undefined;

  const capture = () => {
    if (window.isMinimized() || window.isFullScreen()) return;
    const b = window.getNormalBounds();
    const round = (n: number) => Math.round(n);
    last = {
      version: 1,
      bounds: { x: round(b.x), y: round(b.y), width: round(b.width), height: round(b.height) },
      maximized: window.isMaximized(),
    };
  };
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (last !== undefined) {
      const state = last;
      last = undefined;
      writing = write(state).catch(() => {
        // serialisedWriter already logged it; a lost window position is not worth an error dialog.
      });
    }
    // Also waits for a write the timer started, so "flushed" means "on disk".
    await writing;
  };
  const schedule = () => {
    capture();
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void flush(), debounceMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, schedule);
  window.on('close', () => {
    capture();
    void flush();
  });
  return { flush };
}
