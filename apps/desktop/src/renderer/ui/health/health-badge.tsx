import type { HealthDimension, HealthLevel, HealthScore, HealthThresholds } from '@apo/shared/console';
import { formatChangePercent } from '../format/units.ts';
import { Tooltip } from '../primitives/tooltip.tsx';

// Shape AND word AND colour: a colour-blind reader tells them apart by the first two.
const LEVEL: Record<HealthLevel, { icon: string; text: string }> = {
  ok: { icon: '●', text: 'Healthy' },
  warning: { icon: '▲', text: 'Warning' },
  critical: { icon: '✖', text: 'Critical' },
};

const DIMENSION_LABEL: Record<HealthDimension, string> = {
  latency: 'Latency',
  errorRate: 'Error rate',
  logErrors: 'Log errors',
};

/** The colour and, on hover or focus, each point of the score: what changed, by how much, against what. */
export function HealthBadge({
  score,
  thresholds,
  compareLabel,
}: {
  score: HealthScore;
  thresholds: HealthThresholds;
  compareLabel: string;
}) {
  const breached = score.points.filter((p) => p.breached).map((p) => DIMENSION_LABEL[p.dimension]);
  return (
    <Tooltip
      side="right"
      content={
        <div className="health-tooltip">
          <p className="tooltip-title">
            {LEVEL[score.level].text}: {score.total} of 9 points ({compareLabel})
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Dimension</th>
                <th scope="col">Change</th>
                <th scope="col">Points</th>
                <th scope="col">Limits for 3/2/1 pts</th>
              </tr>
            </thead>
            <tbody>
              {score.points.map((p) => (
                <tr key={p.dimension} className={p.breached ? 'breached' : undefined}>
                  <th scope="row">{DIMENSION_LABEL[p.dimension]}</th>
                  <td className="num">
                    {p.changePercent === null ? 'no baseline' : formatChangePercent(p.changePercent)}
                  </td>
                  <td className="num">{p.points}</td>
                  <td className="num">
                    &lt;{thresholds[p.dimension].join(' / <')} %
                    {p.breached && <strong> breached &gt;{thresholds.breachPercent} %</strong>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">
            {breached.length === 0 ? 'No threshold breached.' : `Breached: ${breached.join(', ')}.`} Red below
            5 points or when one dimension scores 0.
          </p>
        </div>
      }
    >
      <button
        type="button"
        className={`health-badge health-${score.level}`}
        aria-label={`Health: ${LEVEL[score.level].text}, ${score.total} of 9 points${breached.length > 0 ? `; breached: ${breached.join(', ')}` : ''}`}
      >
        <span aria-hidden="true">{LEVEL[score.level].icon}</span> {LEVEL[score.level].text}
      </button>
    </Tooltip>
  );
}
