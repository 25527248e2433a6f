import { useState } from 'react';

/** A page of a paged procedure's answer, as the service page's lists read it. */
interface Page<Row> {
  rows: readonly Row[];
  nextCursor: string | null;
}

interface PagedState<Row> {
  /** The first page these rows follow; a new one (another range, a refresh) starts over. */
  source: unknown;
  rows: Row[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

export interface PagedRows<Row> {
  rows: readonly Row[];
  hasMore: boolean;
  /** Rows beyond the first page are shown. */
  extended: boolean;
  loading: boolean;
  error: string | null;
  loadMore: () => void;
}

/**
 * A list of the service page that the server pages (instances, calls, error groups): the first page comes
 * with the panel's query and refreshes with it; "Load more" appends the next pages of the same range.
 * `source` is the first page's answer: when the query brings a new one, the appended pages are dropped.
 */
export function usePagedRows<Row>(
  source: object,
  first: Page<Row>,
  fetchPage: (cursor: string) => Promise<Page<Row>>,
): PagedRows<Row> {
  const [state, setState] = useState<PagedState<Row> | undefined>(undefined);
  const current: PagedState<Row> =
    state?.source === source
      ? state
      : { source, rows: [], nextCursor: first.nextCursor, loading: false, error: null };
  const update = (change: (s: PagedState<Row>) => PagedState<Row>) =>
    setState((s) => (s?.source === source ? change(s) : s));
  const loadMore = () => {
    const cursor = current.nextCursor;
    if (cursor === null || current.loading) return;
    setState({ ...current, loading: true, error: null });
    fetchPage(cursor).then(
      (page) =>
        update((s) => ({
          ...s,
          rows: [...s.rows, ...page.rows],
          nextCursor: page.nextCursor,
          loading: false,
        })),
      (err: unknown) =>
        update((s) => ({ ...s, loading: false, error: err instanceof Error ? err.message : String(err) })),
    );
  };
  return {
    rows: current.rows.length === 0 ? first.rows : [...first.rows, ...current.rows],
    hasMore: current.nextCursor !== null,
    extended: current.rows.length > 0,
    loading: current.loading,
    error: current.error,
    loadMore,
  };
}

/**
 * The end of a paged list: while there are more rows, how many are shown and the button for the next page;
 * once more were loaded, how many there are. A list that fits one page ends with nothing.
 */
export function LoadMore({ paged, what }: { paged: PagedRows<unknown>; what: string }) {
  if (!paged.hasMore && !paged.extended) return null;
  return (
    <div className="load-more">
      {paged.error !== null && (
        <span role="alert" className="bad-text small">
          Could not load more {what} ({paged.error}); try again.
        </span>
      )}
      <span className="muted small">
        {paged.rows.length.toLocaleString('en-US')} {what}
        {paged.hasMore ? ' shown; more in this range' : ''}
      </span>
      {paged.hasMore && (
        <button type="button" className="button small" disabled={paged.loading} onClick={paged.loadMore}>
          {paged.loading ? 'Loading…' : `Load more ${what}`}
        </button>
      )}
    </div>
  );
}
