import { changePercent, type ComparedFigure } from '@apo/shared/console';
import { formatChangePercent } from '../format/units.ts';

export type ChangeDirection = 'higher-is-worse' | 'neutral';

/**
 * "▲ +12 %" against a period: arrow AND sign AND colour. Increases of a figure where higher hurts (latency,
 * errors) above `breachPercent` are marked worse; throughput changes are shown without judgement.
 */
function Change({
  now,
  before,
  period,
  direction,
  breachPercent,
}: {
  now: number | null;
  before: number | null;
  period: 'd' | 'w';
  direction: ChangeDirection;
  breachPercent: number;
}) {
  const change = changePercent(now, before);
  const label = period === 'd' ? 'vs yesterday' : 'vs last week';
  if (change === null) {
    return (
      <span className="change none" title={`No data ${label}`}>
        {period} —
      </span>
    );
  }
  const arrow = change > 0.05 ? '▲' : change < -0.05 ? '▼' : '▶';
  const tone =
    direction === 'neutral'
      ? 'neutral'
      : change > breachPercent
        ? 'worse'
        : change < -breachPercent
          ? 'better'
          : 'neutral';
  return (
    <span className={`change ${tone}`} aria-label={`${formatChangePercent(change)} ${label}`}>
      <span aria-hidden="true" className="change-period">
        {period}
      </span>
      <span aria-hidden="true">
        {arrow}
        {/* Narrow cells: no space before the percent sign. */}
        {formatChangePercent(change).replace(' %', '%')}
      </span>
    </span>
  );
}

export function Changes({
  figure,
  direction,
  breachPercent,
  compare,
}: {
  figure: ComparedFigure;
  direction: ChangeDirection;
  breachPercent: number;
  compare: 'day' | 'week';
}) {
  // The chosen comparison first; the other one too, muted: "it doubled since yesterday but not since last week".
  const day = (
    <Change
      key="d"
      now={figure.value}
      before={figure.dayAgo}
      period="d"
      direction={direction}
      breachPercent={breachPercent}
    />
  );
  const week = (
    <Change
      key="w"
      now={figure.value}
      before={figure.weekAgo}
      period="w"
      direction={direction}
      breachPercent={breachPercent}
    />
  );
  return <span className="changes">{compare === 'day' ? [day, week] : [week, day]}</span>;
}
