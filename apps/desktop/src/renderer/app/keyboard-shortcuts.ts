import { useEffect } from 'react';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** The global keys. `/` focuses the element marked `data-search-input` on the current view. */
export function useGlobalShortcuts(handlers: { openPalette: () => void; openShortcuts: () => void }) {
  const { openPalette, openShortcuts } = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        openPalette();
        return;
      }
      if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === '?') {
        event.preventDefault();
        openShortcuts();
      } else if (event.key === '/') {
        const search = document.querySelector<HTMLInputElement>('[data-search-input]');
        if (search !== null) {
          event.preventDefault();
          search.focus();
          search.select();
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openPalette, openShortcuts]);
}
