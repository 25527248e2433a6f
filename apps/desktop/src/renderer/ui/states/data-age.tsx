import { formatAgo, formatExactTime } from '../format/time.ts';
import { Tooltip } from '../primitives/tooltip.tsx';

/** "as of 4 min ago" beside a panel whose data is not fresh (offline, or its refresh failed). */
export function DataAge({ updatedAt, now }: { updatedAt: number; now: number }) {
  return (
    <Tooltip content={formatExactTime(updatedAt)}>
      <span className="data-age" tabIndex={0}>
        as of {formatAgo(updatedAt, now)}
      </span>
    </Tooltip>
  );
}
