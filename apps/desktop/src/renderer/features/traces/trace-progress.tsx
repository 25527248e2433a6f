/**
 * What a trace still loading shows: how far along it is and, for a large one, the summary known so far
 * (services and their span counts) — never a blank page.
 */
import { formatValue } from '../../ui/format/units.ts';
import type { LoadProgress } from './load/worker-protocol.ts';

export function TraceProgress({ progress, what }: { progress: LoadProgress | null; what: string }) {
  const phase =
    progress === null
      ? `Opening ${what}…`
      : progress.phase === 'build'
        ? `Building the tree of ${progress.spans.toLocaleString('en-US')} spans…`
        : progress.phase === 'read'
          ? `Reading the file: ${formatValue(progress.bytes, 'bytes')}${progress.totalBytes === null ? '' : ` of ${formatValue(progress.totalBytes, 'bytes')}`}, ${progress.spans.toLocaleString('en-US')} spans`
          : `Receiving spans: ${progress.spans.toLocaleString('en-US')}${progress.total === null ? '' : ` of ${progress.total.toLocaleString('en-US')}`}`;
  const fraction =
    progress === null
      ? null
      : progress.totalBytes !== null && progress.totalBytes > 0
        ? progress.bytes / progress.totalBytes
        : progress.total !== null && progress.total > 0
          ? progress.spans / progress.total
          : null;
  return (
    <div className="panel trace-progress" role="status" aria-label="Loading the trace">
      <p>{phase}</p>
      <progress max={1} value={fraction ?? undefined} aria-label="Progress" />
      {progress !== null && progress.services.length > 0 && (
        <ul className="service-legend">
          {progress.services.slice(0, 30).map((s) => (
            <li key={s.name}>
              {s.name} <span className="muted">{s.spans.toLocaleString('en-US')}</span>
              {s.errors > 0 && <span className="bad"> ⚠ {s.errors.toLocaleString('en-US')}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
