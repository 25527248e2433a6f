import type { InvestigationResult } from '@apo/shared/console';
import { Link } from '@tanstack/react-router';
import { Chart } from '../../ui/chart/chart.tsx';
import type { ChartPoint } from '../../ui/chart/chart-options.ts';
import { formatClock } from '../../ui/format/time.ts';
import { formatValue, type Unit } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { onsetMarkers, VALUE_AXIS_WIDTH, type TimeAxis } from './evidence-panel.tsx';
import { describeDependencies, describeImpact, describeTimeline } from './explain.ts';

const TIMELINE_CHART_HEIGHT = 140;

/** Why the step concluded what it did, in words, above its figures. */
function Why({ children }: { children: string }) {
  return (
    <p className="why">
      <span className="why-label">Why: </span>
      {children}
    </p>
  );
}

/** Step 1: which endpoints of the symptom degraded, by how much, since when. */
export function ImpactStep({ result }: { result: InvestigationResult }) {
  const impact = result.impact;
  // Without an onset there is no "before": the range's median alone.
  const moved = (before: number | null, after: number | null, unit: Unit) =>
    before === null ? formatValue(after, unit) : `${formatValue(before, unit)} → ${formatValue(after, unit)}`;
  const calm = result.onsetMs === null;
  return (
    <>
      <Why>{describeImpact(impact, result.onsetMs)}</Why>
      {impact !== null && impact.endpoints.length > 0 && (
        <table className="plain-table" aria-label="Endpoints impact">
          <thead>
            <tr>
              <th>Endpoint of {impact.service}</th>
              <th className="num">Requests</th>
              <th className="num">{calm ? 'Latency (median)' : 'Latency before → since'}</th>
              <th className="num">{calm ? 'Error rate' : 'Errors before → since'}</th>
              <th>Since</th>
            </tr>
          </thead>
          <tbody>
            {impact.endpoints.map((e) => (
              <tr key={e.endpoint} className={e.degraded ? 'degraded' : undefined}>
                <td>
                  <Link
                    to="/services/$name"
                    params={{ name: impact.service }}
                    search={{ endpoint: e.endpoint }}
                  >
                    {e.endpoint}
                  </Link>
                  {e.degraded && <span className="pill bad-pill">degraded</span>}
                </td>
                <td className="num">{formatValue(e.requests, 'count')}</td>
                <td className="num">{moved(e.latencyBefore, e.latencyAfter, 'ms')}</td>
                <td className="num">{moved(e.errorRateBefore, e.errorRateAfter, 'ratio')}</td>
                <td>{e.onsetMs === null ? '—' : formatClock(e.onsetMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Step 2: the symptom's log errors, p90 latency and error rate, one above the other, the onset marked. */
export function TimelineStep({ result, axis }: { result: InvestigationResult; axis: TimeAxis }) {
  const impact = result.impact;
  const chart = (title: string, name: string, points: ChartPoint[], unit: Unit) => (
    <section className="panel chart-panel" aria-label={title}>
      <h4>{title}</h4>
      <Chart
        label={`${title} of ${impact?.service ?? ''}`}
        spec={{
          series: [{ name, points }],
          unit,
          fromMs: axis.fromMs,
          toMs: axis.toMs,
          markers: onsetMarkers(result.onsetMs),
          valueAxisWidth: VALUE_AXIS_WIDTH,
        }}
        height={TIMELINE_CHART_HEIGHT}
      />
    </section>
  );
  return (
    <>
      <Why>{describeTimeline(impact, result.onsetMs)}</Why>
      {impact === null ? (
        <EmptyState title="No timeline: no service carried traffic in this range." />
      ) : (
        <div className="timeline-stack">
          {chart('Log errors', 'error logs / min', impact.timeline.logErrors, 'count')}
          {chart('p90 latency', 'p90', impact.timeline.latencyP90Ms, 'ms')}
          {chart('Error rate', 'error rate', impact.timeline.errorRate, 'ratio')}
        </div>
      )}
    </>
  );
}

/** Step 3: the symptom's dependencies, most similar curve first, with their delay source. */
export function DependenciesStep({ result }: { result: InvestigationResult }) {
  const symptom = result.impact?.service ?? result.service;
  return (
    <>
      <Why>{describeDependencies(result.dependencies, symptom)}</Why>
      {result.dependencies.length > 0 && (
        <table className="plain-table" aria-label="Ranked dependencies">
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Dependency</th>
              <th className="num">Similarity</th>
              <th>Delay source</th>
            </tr>
          </thead>
          <tbody>
            {result.dependencies.map((d, i) => (
              <tr key={d.service}>
                <td className="num">{i + 1}</td>
                <td>
                  <Link to="/services/$name" params={{ name: d.service }}>
                    {d.service}
                  </Link>
                </td>
                <td className="num">
                  <span className="similarity" aria-label={`similarity ${d.similarity.toFixed(2)}`}>
                    <span
                      className="similarity-bar"
                      style={{ width: `${Math.max(0, d.similarity) * 100}%` }}
                    />
                  </span>{' '}
                  {d.similarity.toFixed(2)}
                </td>
                <td>
                  {d.delaySource === 'self'
                    ? 'its own time'
                    : d.delaySource === 'dependency'
                      ? 'waiting on its calls'
                      : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Similarity: the best of Pearson and Spearman correlation between this dependency’s latency or
        error-rate curve and the symptom’s, minute by minute (lag −1…1 min).
      </p>
    </>
  );
}
