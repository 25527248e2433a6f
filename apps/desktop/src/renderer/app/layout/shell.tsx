import { Outlet } from '@tanstack/react-router';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useGlobalShortcuts } from '../keyboard-shortcuts.ts';
import { OfflineBanner } from '../offline/offline-banner.tsx';
import { useOsCommands } from '../os-commands.ts';
import { ServerSwitcher } from '../server-switcher.tsx';
import { LeftNav } from './left-nav.tsx';
import { UserMenu } from './user-menu.tsx';
import { ThemeMenu, ViewControls } from './view-controls.tsx';

// The palette and the shortcuts list are not part of the first view: their code (cmdk, Radix Dialog) loads
// once the browser is idle after the first render, or at the first Ctrl K / ?, whichever comes first.
const loadPalette = () => import('../command-palette.tsx');
const loadShortcuts = () => import('../shortcuts-dialog.tsx');
const CommandPalette = lazy(async () => ({ default: (await loadPalette()).CommandPalette }));
const ShortcutsDialog = lazy(async () => ({ default: (await loadShortcuts()).ShortcutsDialog }));

function usePreloadWhenIdle() {
  useEffect(() => {
    const id = requestIdleCallback(() => void Promise.all([loadPalette(), loadShortcuts()]));
    return () => cancelIdleCallback(id);
  }, []);
}

/** Navigation on the left, the global controls on top, the view below. */
export function Shell() {
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const openPalette = useCallback(() => setPaletteOpen(true), []);
  const openShortcuts = useCallback(() => setShortcutsOpen(true), []);
  useGlobalShortcuts({ openPalette, openShortcuts });
  useOsCommands(openPalette);
  usePreloadWhenIdle();
  return (
    <div className="shell">
      <LeftNav />
      <header className="top-bar">
        <ServerSwitcher />
        <UserMenu />
        <button
          type="button"
          className="button toolbar-button palette-button"
          aria-label="Jump to… (Ctrl K)"
          onClick={openPalette}
        >
          <span aria-hidden="true">⌕</span> <span className="wide-only">Jump to…</span> <kbd>Ctrl K</kbd>
        </button>
        <span className="spacer" />
        <ViewControls />
        <button
          type="button"
          className="button toolbar-button"
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
          onClick={openShortcuts}
        >
          ?
        </button>
        <ThemeMenu />
      </header>
      <main className="content" id="content">
        <OfflineBanner />
        <Outlet />
      </main>
      <Suspense fallback={null}>
        {paletteOpen && <CommandPalette open onOpenChange={setPaletteOpen} />}
        {shortcutsOpen && <ShortcutsDialog open onOpenChange={setShortcutsOpen} />}
      </Suspense>
    </div>
  );
}
