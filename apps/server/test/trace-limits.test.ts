/**
 * The read-side bounds of a trace (real server process, small configured limits): `traces.byId` returns at
 * most APO_MAX_TRACE_SPANS spans and says it cut the trace, with the exact total; every span read (by id or
 * by search) carries at most APO_READ_MAX_SPAN_EVENTS events and APO_READ_MAX_SPAN_LINKS links, the rest
 * added to its dropped counts.
 */
import type { Attributes, Span } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { sendSpans } from './support/cluster-telemetry.ts';
import { hex, span, spansRequest } from './support/fixtures.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const MAX_SPANS = 4;
const MAX_EVENTS = 3;
const MAX_LINKS = 2;

const T0 = Date.now() - 5 * 60_000;
const NS = BigInt(T0) * 1_000_000n;
const none = () => Object.create(null) as Attributes;

const spanAt = (traceId: string, i: number, extra: Partial<Span> = {}): Span =>
  span({
    traceId,
    name: `op-${i}`,
    kind: 1,
    startTimeUnixNano: NS + BigInt(i) * 1000n,
    endTimeUnixNano: NS + BigInt(i) * 1000n + 500n,
    ...extra,
  });

const bigTrace = hex(16);
const smallTrace = hex(16);
const busyTrace = hex(16);
const EVENTS = 7;
const LINKS = 5;
/** Sent with its own drop counts, which the read-side cut adds to. */
const busy = spanAt(busyTrace, 0, {
  events: Array.from({ length: EVENTS }, (_, i) => ({
    timeUnixNano: NS + BigInt(i),
    name: `event-${i}`,
    attributes: Object.assign(none(), { n: String(i) }),
    droppedAttributesCount: 0,
  })),
  droppedEventsCount: 10,
  links: Array.from({ length: LINKS }, (_, i) => ({
    traceId: hex(16),
    spanId: hex(8),
    traceState: `link-${i}`,
    attributes: none(),
    droppedAttributesCount: 0,
    flags: 0,
  })),
  droppedLinksCount: 1,
});
const big = Array.from({ length: 9 }, (_, i) => spanAt(bigTrace, i));

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({
    env: {
      APO_MAX_TRACE_SPANS: String(MAX_SPANS),
      APO_READ_MAX_SPAN_EVENTS: String(MAX_EVENTS),
      APO_READ_MAX_SPAN_LINKS: String(MAX_LINKS),
    },
  });
  api = apiClient(server.httpUrl);
  // Two requests for the big trace: the total counts spans of every insert.
  await sendSpans(server.httpUrl, spansRequest('limits', big.slice(0, 5)), {});
  await sendSpans(server.httpUrl, spansRequest('limits', big.slice(5)), {});
  await sendSpans(
    server.httpUrl,
    spansRequest(
      'limits',
      [0, 1, 2, 3].map((i) => spanAt(smallTrace, i)),
    ),
    {},
  );
  await sendSpans(server.httpUrl, spansRequest('busy', [busy]), {});
});
afterAll(async () => {
  await server.dispose();
});

describe('trace read limits (real server process)', () => {
  it('traces.byId cuts a trace at maxTraceSpans, keeps the earliest spans and gives the exact total', async () => {
    const trace = await api.traces.byId.query({ traceId: bigTrace });
    expect(trace.truncated).toBe(true);
    expect(trace.totalSpans).toBe(9);
    expect(trace.spans.map((s) => s.name)).toEqual(['op-0', 'op-1', 'op-2', 'op-3']);
  });

  it('a trace of exactly maxTraceSpans spans is whole', async () => {
    const trace = await api.traces.byId.query({ traceId: smallTrace });
    expect(trace).toMatchObject({ traceId: smallTrace, totalSpans: 4, truncated: false });
    expect(trace.spans).toHaveLength(4);
  });

  it('events and links beyond the per-span limits are cut and counted as dropped, by id and by search', async () => {
    const [byId] = (await api.traces.byId.query({ traceId: busyTrace })).spans;
    const [found] = (await api.traces.search.query({ from: T0 - 60_000, to: T0 + 60_000, service: 'busy' }))
      .items;
    for (const span of [byId!, found!]) {
      expect(span.events).toEqual(
        [0, 1, 2].map((i) => ({
          timeUnixNano: NS + BigInt(i),
          name: `event-${i}`,
          attributes: [['n', String(i)]],
        })),
      );
      expect(span.links.map((l) => l.traceState)).toEqual(['link-0', 'link-1']);
      expect(span.links.map((l) => l.spanId)).toEqual(busy.links.slice(0, 2).map((l) => l.spanId));
      expect(span.dropped).toEqual({
        attributes: 0,
        events: 10 + EVENTS - MAX_EVENTS,
        links: 1 + LINKS - MAX_LINKS,
      });
    }
  });
});
