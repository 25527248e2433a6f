import { Outlet } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { CommandPalette } from '../command-palette.tsx';
import { ShortcutsDialog, useGlobalShortcuts } from '../keyboard-shortcuts.tsx';
import { OfflineBanner } from '../offline/offline-banner.tsx';
import { useOsCommands } from '../os-commands.ts';
import { ServerSwitcher } from '../server-switcher.tsx';
import { LeftNav } from './left-nav.tsx';
import { UserMenu } from './user-menu.tsx';
import { ThemeMenu, ViewControls } from './view-controls.tsx';

/** Navigation on the left, the global controls on top, the view below. */
export function Shell() {
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const openPalette = useCallback(() => setPaletteOpen(true), []);
  const openShortcuts = useCallback(() => setShortcutsOpen(true), []);
  useGlobalShortcuts({ openPalette, openShortcuts });
  useOsCommands(openPalette);
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
      <CommandPalette open={paletteOpen} onOpenChange={setPaletteOpen} />
      <ShortcutsDialog open={shortcutsOpen} onOpenChange={setShortcutsOpen} />
    </div>
  );
}
