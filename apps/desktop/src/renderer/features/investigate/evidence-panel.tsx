import type { InvestigationEvidence } from '@apo/shared/console';
import { Link } from '@tanstack/react-router';
import { Chart } from '../../ui/chart/chart.tsx';
import type { ChartMarker, ChartSeries } from '../../ui/chart/chart-options.ts';
import { formatExactTime } from '../../ui/format/time.ts';
import { formatValue } from '../../ui/format/units.ts';
import { chartUnit } from './explain.ts';

const EVIDENCE_CHART_HEIGHT = 150;
/** Every chart of an investigation gives its value labels this width, so their time axes line up. */
export const VALUE_AXIS_WIDTH = 64;

/** The time axis every chart of one investigation shares, and its onset. */
export interface TimeAxis {
  fromMs: number;
  toMs: number;
  onsetMs: number | null;
}

export function onsetMarkers(onsetMs: number | null): ChartMarker[] {
  return onsetMs === null ? [] : [{ atMs: onsetMs, label: 'onset', kind: 'alert' }];
}

type SeriesEvidence = Extract<InvestigationEvidence, { type: 'series' }>;

/** A series with its baseline drawn up to the onset (dashed): "before" is what the engine compared with. */
function seriesOf(e: SeriesEvidence): ChartSeries[] {
  const first = e.points[0]?.[0];
  const until = e.onsetMs ?? e.points[e.points.length - 1]?.[0];
  const baseline: ChartSeries[] =
    e.baseline === null || first === undefined || until === undefined
      ? []
      : [
          {
            name: 'baseline',
            points: [
              [first, e.baseline],
              [until, e.baseline],
            ],
            comparison: true,
          },
        ];
  return [{ name: e.title, points: e.points }, ...baseline];
}

function SeriesEvidenceView({ e, axis }: { e: SeriesEvidence; axis: TimeAxis }) {
  const unit = chartUnit(e.unit);
  const present = e.points.filter(([t, v]) => v !== null && (e.onsetMs === null || t >= e.onsetMs));
  const after = present.map(([, v]) => v ?? 0).sort((a, b) => a - b)[Math.floor(present.length / 2)];
  return (
    <figure className="evidence evidence-series" aria-label={`Evidence: ${e.title}`}>
      <figcaption>
        <strong>{e.title}</strong>{' '}
        <span className="muted small">
          baseline {formatValue(e.baseline, unit)} → {formatValue(after ?? null, unit)} since the onset
        </span>
      </figcaption>
      <Chart
        label={e.title}
        spec={{
          series: seriesOf(e),
          unit,
          fromMs: axis.fromMs,
          toMs: axis.toMs,
          markers: onsetMarkers(e.onsetMs ?? axis.onsetMs),
          valueAxisWidth: VALUE_AXIS_WIDTH,
        }}
        height={EVIDENCE_CHART_HEIGHT}
      />
    </figure>
  );
}

/** One evidence item as the engine emitted it: a chart, trace links, log lines or change events. */
export function EvidencePanel({ evidence, axis }: { evidence: InvestigationEvidence; axis: TimeAxis }) {
  switch (evidence.type) {
    case 'series':
      return <SeriesEvidenceView e={evidence} axis={axis} />;
    case 'traces':
      return (
        <section className="evidence" aria-label={`Evidence: ${evidence.title}`}>
          <strong>{evidence.title}</strong>
          <ul className="trace-links">
            {evidence.traceIds.map((id) => (
              <li key={id}>
                <Link to="/traces/$traceId" params={{ traceId: id }} className="mono">
                  {id}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      );
    case 'logs':
      return (
        <section className="evidence" aria-label={`Evidence: ${evidence.title}`}>
          <strong>{evidence.title}</strong>
          <ul className="log-lines">
            {evidence.lines.map((l, i) => (
              <li key={`${l.ts}-${i}`}>
                <time className="muted small" dateTime={new Date(l.ts).toISOString()}>
                  {formatExactTime(l.ts)}
                </time>{' '}
                <span className="pill">{l.severity || 'ERROR'}</span>{' '}
                <span className="muted small">{l.instance || l.service}</span> <code>{l.body}</code>
                {l.traceId !== '' && (
                  <>
                    {' '}
                    <Link to="/traces/$traceId" params={{ traceId: l.traceId }} className="small">
                      trace
                    </Link>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      );
    case 'events':
      return (
        <section className="evidence" aria-label={`Evidence: ${evidence.title}`}>
          <strong>{evidence.title}</strong>
          <ul className="event-lines">
            {evidence.events.map((ev, i) => (
              <li key={`${ev.ts}-${i}`}>
                <time className="muted small" dateTime={new Date(ev.ts).toISOString()}>
                  {formatExactTime(ev.ts)}
                </time>{' '}
                <strong>{ev.name}</strong> {ev.service}
                {ev.instance !== '' && ` on ${ev.instance}`} <span className="muted">{ev.detail}</span>
              </li>
            ))}
          </ul>
        </section>
      );
  }
}
