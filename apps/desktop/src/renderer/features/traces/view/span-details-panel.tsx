/**
 * The selected span in full: what it is, its timing, status, attributes, resource, events (exceptions with
 * their stack traces as written), and links — a link to a stored trace opens it.
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { CopyButton } from '../../../ui/primitives/copy-button.tsx';
import { ProblemState } from '../../../ui/states/problem-state.tsx';
import { FLAG_CRITICAL, FLAG_ERROR_ORIGIN } from '../model/trace-analysis.ts';
import type { Attrs, SpanDetails } from '../model/span-details.ts';
import type { TraceModel } from '../model/trace-model.ts';
import { spanIdHex } from '../model/trace-rows.ts';
import { formatNs } from './format-ns.ts';

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function AttrTable({ title, attrs }: { title: string; attrs: Attrs }) {
  if (attrs.length === 0) return null;
  return (
    <section className="details-section">
      <h4>{title}</h4>
      <dl className="attr-list">
        {attrs.map(([k, v], i) => (
          <div key={`${k}-${i}`} className="attr">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function SpanDetailsPanel({
  model,
  span,
  loadDetails,
  linksOpenStored,
  onClose,
}: {
  model: TraceModel;
  span: number;
  loadDetails: (span: number) => Promise<SpanDetails>;
  /** Links go to stored traces (a trace from the server) or nowhere (a file). */
  linksOpenStored: boolean;
  onClose: () => void;
}) {
  const c = model.columns;
  const spanId = spanIdHex(model, span);
  const details = useQuery({
    queryKey: ['trace-span-details', model.traceId, spanId, linksOpenStored],
    queryFn: () => loadDetails(span),
    meta: { persist: false },
  });
  const flags = model.flags[span] ?? 0;
  const name = model.strings[c.name[span] ?? 0] ?? '';
  const d = details.data;
  return (
    <aside className="panel span-details" aria-label="Span details">
      <div className="details-head">
        <h3 title={name}>{name}</h3>
        <button type="button" className="link-button" aria-label="Close span details" onClick={onClose}>
          ✕
        </button>
      </div>
      <dl className="details-facts">
        <dt>Service</dt>
        <dd>{model.strings[c.service[span] ?? 0]}</dd>
        <dt>Duration</dt>
        <dd data-testid="span-duration">{formatNs(c.durationNs[span] ?? 0)}</dd>
        <dt>Self time</dt>
        <dd>{formatNs(model.selfNs[span] ?? 0)}</dd>
        <dt>Starts at</dt>
        <dd>+{formatNs(c.startNs[span] ?? 0)}</dd>
        <dt>Kind</dt>
        <dd>{KINDS[c.kind[span] ?? 0] ?? 'unspecified'}</dd>
        <dt>Status</dt>
        <dd className={c.status[span] === 2 ? 'bad' : undefined}>
          {c.status[span] === 2 ? '⚠ error' : c.status[span] === 1 ? 'ok' : 'unset'}
          {d !== undefined && d.statusMessage !== '' ? ` — ${d.statusMessage}` : ''}
        </dd>
        <dt>Span id</dt>
        <dd>
          <code>{spanId}</code> <CopyButton text={spanId} label="Copy span id" />
        </dd>
      </dl>
      <p className="muted small">
        {flags & FLAG_CRITICAL ? 'On the critical path. ' : ''}
        {flags & FLAG_ERROR_ORIGIN ? 'Error origin: the deepest failed span on its path.' : ''}
      </p>
      {details.isPending && <p className="muted">Loading attributes…</p>}
      {details.isError && (
        <ProblemState
          title="The span's attributes could not be loaded"
          detail={details.error.message}
          onRetry={() => void details.refetch()}
        />
      )}
      {d !== undefined && (
        <>
          <AttrTable title="Attributes" attrs={d.attributes} />
          {d.events.length > 0 && (
            <section className="details-section">
              <h4>Events ({d.events.length})</h4>
              <ul className="event-list">
                {d.events.map((ev, i) => {
                  const stack = ev.attributes.find(([k]) => k === 'exception.stacktrace')?.[1];
                  const rest = ev.attributes.filter(([k]) => k !== 'exception.stacktrace');
                  return (
                    <li key={i} className={ev.name === 'exception' ? 'event exception' : 'event'}>
                      <span className="event-at">+{formatNs(ev.atMs * 1e6)}</span> <strong>{ev.name}</strong>
                      <AttrTable title="" attrs={rest} />
                      {stack !== undefined && <pre className="stacktrace">{stack}</pre>}
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
          {d.links.length > 0 && (
            <section className="details-section">
              <h4>Links ({d.links.length})</h4>
              <ul className="link-list">
                {d.links.map((l, i) => (
                  <li key={i}>
                    {linksOpenStored && /^[0-9a-f]{32}$/.test(l.traceId) ? (
                      <Link to="/traces/$traceId" params={{ traceId: l.traceId }}>
                        trace {l.traceId}
                      </Link>
                    ) : (
                      <code>trace {l.traceId}</code>
                    )}{' '}
                    span <code>{l.spanId}</code>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <AttrTable title="Resource" attrs={d.resource} />
          {d.scope !== '' && <p className="muted small">Instrumentation scope: {d.scope}</p>}
        </>
      )}
    </aside>
  );
}
