import { useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { formatAge, formatClock } from '../../ui/format/time.ts';
import { useConnection } from '../data/connection.tsx';
import { useNow } from '../data/query-state.tsx';

/** The oldest result the current view shows (the age that matters), from the queries on screen. */
function useOldestShownData(): number | null {
  const queryClient = useQueryClient();
  const cache = queryClient.getQueryCache();
  return useSyncExternalStore(
    (onChange) => cache.subscribe(onChange),
    () => {
      let oldest: number | null = null;
      for (const query of cache.findAll({ type: 'active' })) {
        if (query.state.data === undefined || query.meta?.persist === false) continue;
        const at = query.state.dataUpdatedAt;
        if (at > 0 && (oldest === null || at < oldest)) oldest = at;
      }
      return oldest;
    },
  );
}

function age(ms: number): string {
  const text = formatAge(ms);
  return text === 'just now' ? text : `${text} old`;
}

/** "Offline since 12:03 — showing data from 12:01 (4 min old)"; gone as soon as the server answers. */
export function OfflineBanner() {
  const connection = useConnection();
  const oldest = useOldestShownData();
  const now = useNow(5_000);
  if (connection.status !== 'offline' || connection.offlineSince === null) return null;
  return (
    <div
      role="status"
      aria-label="Offline"
      className="offline-banner"
      title={`Cannot reach ${connection.serverUrl}`}
    >
      <span aria-hidden="true">⚡</span>
      <span>
        <strong>Offline since {formatClock(connection.offlineSince)}</strong>
        {oldest !== null
          ? ` — showing data from ${formatClock(oldest)} (${age(now - oldest)})`
          : ' — no saved data for this view'}
        . Retrying every few seconds; changes are disabled until the server answers.
      </span>
      <button
        type="button"
        className="button small"
        disabled={connection.checking}
        onClick={connection.retry}
      >
        {connection.checking ? 'Checking…' : 'Retry now'}
      </button>
    </div>
  );
}
