import { useNavigate, useSearch } from '@tanstack/react-router';
import { useCallback } from 'react';
import { parseGlobalSearch, type GlobalSearch } from './global-search.ts';

/** The shared view state (range, comparison, refresh) with its defaults applied. */
export function useGlobalSearch(): GlobalSearch {
  const raw = useSearch({ strict: false });
  return parseGlobalSearch(raw);
}

/**
 * Merges `patch` into the current URL's search (undefined removes a key). Every view-state change goes
 * through here, so Back undoes it and a reload restores it. `replace` for changes that should not each add
 * a history entry (typing in a filter box).
 */
export function useSetSearch() {
  const navigate = useNavigate();
  return useCallback(
    (patch: Record<string, unknown>, options: { replace?: boolean } = {}) => {
      const search = (prev: Record<string, unknown>) =>
        Object.fromEntries(Object.entries({ ...prev, ...patch }).filter(([, value]) => value !== undefined));
      // `to: '.'` keeps the current route; the router's types cannot know which route that is here.
      void navigate({ to: '.', search, replace: options.replace ?? false });
    },
    [navigate],
  );
}
