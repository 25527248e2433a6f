import type { TraceRootCause } from '@apo/shared/console';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useNow } from '../../app/data/query-state.tsx';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { formatValue } from '../../ui/format/units.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';

/** While the server works: what it is doing and for how long (it answers in one piece, so no percentage). */
export function RunProgress({ subject }: { subject: string }) {
  const [startedAt] = useState(Date.now);
  const now = useNow(1_000);
  const seconds = Math.max(0, Math.round((now - startedAt) / 1000));
  return (
    <div role="status" aria-label="Investigating" aria-busy="true" className="run-progress">
      <p className="run-progress-title">
        <span className="spinner" aria-hidden="true" /> Investigating {subject}… {seconds} s
      </p>
      <p className="muted small">
        The server reads every service’s per-minute requests, errors and latency, its calls, process metrics,
        error logs and change events for the range and the 30 minutes before it; finds the onset, ranks the
        dependencies and runs each check. Usually a few seconds; a 24-hour range can take longer.
      </p>
    </div>
  );
}

/** Nothing asked yet: which service (or all) to investigate over the global range. */
export function StartForm({
  view,
  onStart,
}: {
  view: GlobalSearch;
  onStart: (service: string | undefined, endpoint: string | undefined) => void;
}) {
  const client = useTRPCClient();
  const services = useQuery(
    rangeQueryOptions({
      procedure: 'services.list',
      input: {},
      view: { ...view, refresh: 'off' },
      fetch: (input, signal) => client.services.list.query(input, { signal }),
    }),
  );
  const [service, setService] = useState('');
  const [endpoint, setEndpoint] = useState('');
  return (
    <form
      className="panel start-form"
      aria-label="Start an investigation"
      onSubmit={(e) => {
        e.preventDefault();
        onStart(service || undefined, (service && endpoint.trim()) || undefined);
      }}
    >
      <p>
        Something slow or failing? Pick the service users feel it in (or all services) — the range is the one
        in the top bar — and the wizard walks from the impact to the most likely cause, with its evidence.
      </p>
      <label className="field">
        <span>Service</span>
        <select value={service} onChange={(e) => setService(e.target.value)}>
          <option value="">All services (the engine finds the degraded entry service)</option>
          {(services.data?.result ?? []).map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Endpoint (optional)</span>
        <input
          type="text"
          value={endpoint}
          disabled={service === ''}
          placeholder="e.g. POST /api/checkout"
          onChange={(e) => setEndpoint(e.target.value)}
        />
      </label>
      {services.isError && (
        <p className="muted small">The service list could not be loaded ({services.error.message}).</p>
      )}
      <button type="submit" className="button primary">
        Investigate
      </button>
    </form>
  );
}

/** Entered from a trace: where inside it the time or the failure comes from (`investigations.trace`). */
export function TraceCause({ cause }: { cause: TraceRootCause }) {
  const root = cause.rootCause;
  const self = root === null ? undefined : cause.services.find((s) => s.service === root.service);
  return (
    <section className="panel trace-cause" aria-label="Trace root cause">
      <h3>
        Trace{' '}
        <Link to="/traces/$traceId" params={{ traceId: cause.traceId }} className="mono">
          {cause.traceId}
        </Link>
      </h3>
      {root === null ? (
        <p>
          No service stands out in this trace: no failing span, and no service’s own time is well above its
          usual.
        </p>
      ) : root.reason === 'error' ? (
        <p>
          It failed in <strong>{root.service}</strong> ({root.name}): the deepest failing span whose children
          did not fail. The error went up through{' '}
          {cause.errorChain
            .map((c) => c.service)
            .filter((s, i, all) => all.indexOf(s) === i)
            .join(' → ')}
          .
        </p>
      ) : (
        <p>
          Its time is spent in <strong>{root.service}</strong> ({root.name}): own time{' '}
          {formatValue(self?.selfMs ?? null, 'ms')} against an expected{' '}
          {formatValue(self?.expectedMs ?? null, 'ms')} — the largest excess among the services holding at
          least a fifth of the request.
        </p>
      )}
      <p className="muted small">
        Below, the investigation of {cause.entryService ?? 'its entry service'} around the trace’s time.
      </p>
    </section>
  );
}
