import { Outlet } from '@tanstack/react-router';
import { useCallback, useState } from 'react';
import { CommandPalette } from '../command-palette.tsx';
import { useConnection } from '../data/connection.tsx';
import { ShortcutsDialog, useGlobalShortcuts } from '../keyboard-shortcuts.tsx';
import { OfflineBanner } from '../offline/offline-banner.tsx';
import { ServerSwitcher } from '../server-switcher.tsx';
import { Tooltip } from '../../ui/primitives/tooltip.tsx';
import { LeftNav } from './left-nav.tsx';
import { ThemeMenu, ViewControls } from './view-controls.tsx';

const LOCAL_MODE = 'Local mode: no sign-in, you are the local admin';

/** Navigation on the left, the global controls on top, the view below. */
export function Shell() {
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const openPalette = useCallback(() => setPaletteOpen(true), []);
  const openShortcuts = useCallback(() => setShortcutsOpen(true), []);
  useGlobalShortcuts({ openPalette, openShortcuts });
  const connection = useConnection();
  return (
    <div className="shell">
      <LeftNav />
      <header className="top-bar">
        <ServerSwitcher />
        {connection.authRequired === false && (
          <Tooltip content={LOCAL_MODE}>
            <span className="pill local-mode" tabIndex={0} aria-label={LOCAL_MODE}>
              Local mode
            </span>
          </Tooltip>
        )}
        <button type="button" className="button toolbar-button palette-button" onClick={openPalette}>
          <span aria-hidden="true">⌕</span> Jump to… <kbd>Ctrl K</kbd>
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
