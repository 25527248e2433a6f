/** Loading state shaped like a table: the same row height and columns, so nothing jumps when data lands. */
export function TableSkeleton({
  rows = 8,
  columns,
  label,
}: {
  rows?: number;
  columns: number;
  label: string;
}) {
  return (
    <div role="status" aria-label={label} className="skeleton-table" aria-busy="true">
      {Array.from({ length: rows }, (_, r) => (
        <div key={r} className="skeleton-row" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
          {Array.from({ length: columns }, (_, c) => (
            <span key={c} className="skeleton-bar" />
          ))}
        </div>
      ))}
    </div>
  );
}

/** A chart-sized placeholder. */
export function ChartSkeleton({ label, height }: { label: string; height: number }) {
  return (
    <div role="status" aria-label={label} aria-busy="true" className="skeleton-chart" style={{ height }} />
  );
}
