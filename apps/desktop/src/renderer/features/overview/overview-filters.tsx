import { useEffect, useState } from 'react';
import type { OverviewSearch } from './overview-search.ts';

/** Cluster, namespace and free text; each change goes to the URL (text after a short pause, replacing). */
export function OverviewFilters({
  filters,
  clusters,
  namespaces,
  onChange,
}: {
  filters: OverviewSearch;
  clusters: string[];
  namespaces: string[];
  onChange: (patch: Partial<OverviewSearch>, replace?: boolean) => void;
}) {
  const [text, setText] = useState(filters.q ?? '');
  useEffect(() => setText(filters.q ?? ''), [filters.q]);
  useEffect(() => {
    if (text === (filters.q ?? '')) return;
    const timer = setTimeout(() => onChange({ q: text.trim() === '' ? undefined : text }, true), 250);
    return () => clearTimeout(timer);
  }, [text, filters.q, onChange]);
  // Keep a filter from the URL selectable even when the current data no longer has it.
  const withCurrent = (values: string[], current: string | undefined) =>
    current !== undefined && !values.includes(current) ? [current, ...values] : values;
  return (
    <div className="filters" role="search" aria-label="Filter services">
      <label className="filter">
        <span>Search</span>
        <input
          type="search"
          data-search-input
          placeholder="Service or endpoint  ( / )"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') e.currentTarget.blur();
          }}
        />
      </label>
      <label className="filter">
        <span>Cluster</span>
        <select
          value={filters.cluster ?? ''}
          onChange={(e) => onChange({ cluster: e.target.value || undefined })}
        >
          <option value="">All clusters</option>
          {withCurrent(clusters, filters.cluster).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Namespace</span>
        <select
          value={filters.namespace ?? ''}
          onChange={(e) => onChange({ namespace: e.target.value || undefined })}
        >
          <option value="">All namespaces</option>
          {withCurrent(namespaces, filters.namespace).map((n) => (
            <option key={n}>{n}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
