/**
 * The job's grouped calls (topology-queries.ts windowCalls) → edge rows of `topology_edges`. Each call is
 * labelled by `describeCall`, the function the agent's and the server's RED aggregators label client calls
 * with, so an edge carries exactly the rollup key (`call_type`, `peer`, …) under which `red_client_1m`
 * counts its calls: the read side finds an edge's figures by that key, never by guessing.
 *
 * The callee: the SERVER span the call caused, when it was stored and belongs to another service (a
 * service→service edge, possibly across clusters); else what the call's labels say — a database (db
 * calls), a queue (messaging), an external host (HTTP / RPC / other to an address no stored span answered).
 */
import { SpanKind, StatusCode } from '@apo/shared/model';
import type { Attributes, Span } from '@apo/shared/model';
import { CallClassifier, describeCall, newCallDescriptor, RedCallType } from '@apo/shared/red';
import type { CallDescriptor } from '@apo/shared/red';
import type { CalleeKind, TopologyEdgeRow } from '../../storage/index.ts';
import { CALL_ATTRIBUTE_KEYS } from './topology-queries.ts';
import type { WindowCallRow } from './topology-queries.ts';

const HOUR_MS = 3_600_000;

function callSpan(row: WindowCallRow): Span {
  // A plain object is safe here: its keys are the fixed CALL_ATTRIBUTE_KEYS.
  const attributes: Attributes = {};
  CALL_ATTRIBUTE_KEYS.forEach((key, i) => {
    const value = row.call_attrs[i];
    // describeCall tells "absent" from "empty" for renamed conventions; the map has no empty values.
    if (value !== undefined && value !== '') attributes[key] = value;
  });
  if (row.url_host !== '') attributes['url.full'] = row.url_host;
  return {
    traceId: '',
    spanId: '',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: '',
    kind: row.call_kind === 4 ? SpanKind.Producer : row.call_kind === 5 ? SpanKind.Consumer : SpanKind.Client,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.Unset, message: '' },
  };
}

/** The node a call reaches when no stored server span of another service answered it. */
function labelledCallee(call: CallDescriptor): { kind: CalleeKind; name: string } {
  switch (call.type) {
    case RedCallType.Db:
      return { kind: 'database', name: call.dbNamespace || call.peer || call.system };
    case RedCallType.Messaging:
      return { kind: 'queue', name: call.target || call.peer || call.system };
    default:
      return { kind: 'external', name: call.peer || '(unknown peer)' };
  }
}

/** Edge rows of one window (`windowMs`, a minute start), one per distinct edge. */
export function edgeRows(windowMs: number, rows: readonly WindowCallRow[]): TopologyEdgeRow[] {
  const classifier = new CallClassifier();
  const call = newCallDescriptor();
  const hourMs = Math.floor(windowMs / HOUR_MS) * HOUR_MS;
  const out = new Map<string, TopologyEdgeRow>();
  for (const row of rows) {
    if (!describeCall(callSpan(row), classifier, call)) continue;
    const child =
      row.callee_service !== '' &&
      (row.callee_service !== row.caller_service || row.callee_cluster !== row.caller_cluster) &&
      call.type !== RedCallType.Messaging;
    const labelled = labelledCallee(call);
    const edge: TopologyEdgeRow = {
      hourMs,
      seenWindowMs: windowMs,
      callerCluster: row.caller_cluster,
      callerService: row.caller_service,
      callerNamespace: row.caller_namespace,
      callerEndpoint: row.caller_endpoint,
      calleeKind: child ? 'service' : labelled.kind,
      calleeCluster: child ? row.callee_cluster : row.caller_cluster,
      calleeName: child ? row.callee_service : labelled.name,
      calleeNamespace: '',
      calleeEndpoint: child ? row.callee_endpoint : '',
      callType: call.type,
      peer: call.peer,
      system: call.system,
      dbNamespace: call.type === RedCallType.Db ? call.dbNamespace : '',
      destination: call.type === RedCallType.Messaging ? call.target : '',
      role: call.role,
    };
    // Rows differing only in attributes describeCall does not key on (e.g. rpc.method) are one edge.
    const key = [
      edge.callerCluster,
      edge.callerService,
      edge.callerEndpoint,
      edge.calleeKind,
      edge.calleeCluster,
      edge.calleeName,
      edge.calleeEndpoint,
      edge.callType,
      edge.peer,
      edge.system,
      edge.dbNamespace,
      edge.destination,
      edge.role,
    ].join('\u0000');
    const seen = out.get(key);
    if (seen === undefined || (seen.callerNamespace === '' && edge.callerNamespace !== ''))
      out.set(key, edge);
  }
  return [...out.values()];
}
