import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { QueryState } from '../../app/data/query-state.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import type { RangeResult } from '../../app/data/range-query.ts';

/**
 * One panel of the service page: a titled region with its own error boundary and its query's states
 * (a table-shaped skeleton, the failure with a Retry, the data), so one failed panel never blanks the page.
 */
export function DetailPanel<T, E extends { message: string }>({
  title,
  note,
  query,
  what,
  columns,
  className,
  children,
}: {
  title: string;
  /** A short line after the title: the source, the comparison. */
  note?: ReactNode;
  query: UseQueryResult<RangeResult<T>, E>;
  what: string;
  columns: number;
  className?: string;
  /** The answer, and the range it was read for (the next page of a paged list reads the same one). */
  children: (data: T, range: { fromMs: number; toMs: number }) => ReactNode;
}) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={title}>
      <div className="panel-title">
        <h3>{title}</h3>
        {note !== undefined && <span className="muted small">{note}</span>}
      </div>
      <PanelBoundary name={title}>
        <QueryState
          query={query}
          what={what}
          skeleton={<TableSkeleton columns={columns} rows={3} label={`Loading ${title.toLowerCase()}`} />}
        >
          {(data) => children(data.result, data)}
        </QueryState>
      </PanelBoundary>
    </section>
  );
}
