/**
 * A stored trace: read whole from the server's columns route by the trace worker, then drawn. Span
 * details come from `traces.span`.
 */
import { Link, useParams, useSearch } from '@tanstack/react-router';
import { useCallback, useMemo, useState } from 'react';
import { useActiveConnection } from '../../app/active-connection.ts';
import { useConnection } from '../../app/data/connection.tsx';
import { useSetSearch } from '../../app/use-view-search.ts';
import { ProblemState } from '../../ui/states/problem-state.tsx';
import { useTRPCClient } from '../../trpc/trpc.ts';
import { spanIdHex } from './model/trace-rows.ts';
import type { SpanDetails } from './model/span-details.ts';
import { useTraceLoader, type TraceSource } from './load/use-trace-loader.ts';
import { TraceProgress } from './trace-progress.tsx';
import type { TraceExporter } from './view/trace-export-menu.tsx';
import { TraceView } from './view/trace-view.tsx';
import './traces.css';

export function TracePage() {
  const { traceId } = useParams({ from: '/shell/traces/$traceId' });
  const { cluster, view } = useSearch({ from: '/shell/traces/$traceId' });
  const setSearch = useSetSearch();
  const { serverUrl } = useConnection();
  const active = useActiveConnection();
  const client = useTRPCClient();
  const [attempt, setAttempt] = useState(0);
  const source = useMemo((): TraceSource => {
    const q = cluster === undefined ? '' : `?cluster=${encodeURIComponent(cluster)}`;
    return {
      kind: 'server',
      url: `${serverUrl}/api/console/traces/${encodeURIComponent(traceId)}/columns${q}`,
      authorization: active.token,
    };
  }, [serverUrl, traceId, cluster, active.token]);
  const { load } = useTraceLoader(source, attempt);
  const exporter = useMemo(
    (): TraceExporter => ({
      kind: 'stored',
      url: (format) => {
        const q = new URLSearchParams({ format, ...(cluster === undefined ? {} : { cluster }) });
        return `${serverUrl}/api/console/traces/${encodeURIComponent(traceId)}/export?${q.toString()}`;
      },
      authorization: active.token,
    }),
    [serverUrl, traceId, cluster, active.token],
  );

  const model = load.state === 'ready' ? load.model : null;
  const loadDetails = useCallback(
    async (span: number): Promise<SpanDetails> => {
      if (model === null) throw new Error('no trace');
      const v = await client.traces.span.query({ traceId, spanId: spanIdHex(model, span), cluster });
      const startNs = v.startTimeUnixNano;
      return {
        traceId: v.traceId,
        spanId: v.spanId,
        parentSpanId: v.parentSpanId,
        name: v.name,
        service: v.service,
        kind: v.kind,
        statusCode: v.status.code,
        statusMessage: v.status.message,
        attributes: v.attributes,
        resource: v.resource,
        events: v.events.map((e) => ({
          atMs: Number(e.timeUnixNano - startNs) / 1e6,
          name: e.name,
          attributes: e.attributes,
        })),
        links: v.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: l.attributes })),
        scope: v.scope.name,
      };
    },
    [client, traceId, cluster, model],
  );

  return (
    <div className="page traces-page">
      <div className="page-header">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/traces">Traces</Link> <span aria-hidden="true">/</span>
        </nav>
        <h2 className="visually-hidden">Trace {traceId}</h2>
        <Link to="/investigate" search={{ traceId, cluster }} className="button small">
          ⌕ Investigate
        </Link>
      </div>
      {load.state === 'loading' && <TraceProgress progress={load.progress} what={`trace ${traceId}`} />}
      {load.state === 'error' && (
        <ProblemState
          title={
            load.status === 404
              ? `Trace ${traceId} is not stored on this server`
              : `The trace could not be loaded: ${load.message}`
          }
          hint={
            load.status === 404
              ? 'It may be older than the retention, sampled out, or in another cluster.'
              : undefined
          }
          detail={load.status === 404 ? load.message : undefined}
          onRetry={() => setAttempt((n) => n + 1)}
        />
      )}
      {model !== null && (
        <TraceView
          model={model}
          loadDetails={loadDetails}
          exporter={exporter}
          linksOpenStored
          tab={view ?? 'waterfall'}
          onTab={(t) => setSearch({ view: t === 'flame' ? 'flame' : undefined })}
          compareSelf={traceId.toLowerCase()}
        />
      )}
    </div>
  );
}
