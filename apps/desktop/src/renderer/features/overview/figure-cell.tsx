import type { ComparedFigure } from '@apo/shared/console';
import { formatValue, type Unit } from '../../ui/format/units.ts';
import { Changes, type ChangeDirection } from '../../ui/health/change.tsx';
import { Sparkline } from '../../ui/sparkline/sparkline.tsx';

export interface TrendLine {
  name: string;
  points: readonly (number | null)[];
  fromMs: number;
  stepMs: number;
}

/** A figure with its day/week changes and, where the server sends one, its trend. */
export function FigureCell({
  figure,
  unit,
  direction,
  breachPercent,
  compare,
  trend,
}: {
  figure: ComparedFigure;
  unit: Unit;
  direction: ChangeDirection;
  breachPercent: number;
  compare: 'day' | 'week';
  trend?: TrendLine | undefined;
}) {
  return (
    <div className="figure">
      <div className="figure-line">
        {trend !== undefined && (
          <Sparkline
            name={trend.name}
            points={trend.points}
            fromMs={trend.fromMs}
            stepMs={trend.stepMs}
            unit={unit}
          />
        )}
        <span className="figure-value" title={formatValue(figure.value, unit, true)}>
          {formatValue(figure.value, unit)}
        </span>
      </div>
      <Changes figure={figure} direction={direction} breachPercent={breachPercent} compare={compare} />
    </div>
  );
}
