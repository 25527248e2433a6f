import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DiskQueue,
  gzipBody,
  packBody,
  unpackBody,
  type OutboundBatch,
  type QueuedRecord,
} from '@apo/otlp-transport';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { SpanKind, StatusCode, type Span, type TracesData } from '@apo/shared/model';
import { decodeTracesProto, encodeTracesProto } from '@apo/shared/otlp';
import { createRedAggregator } from '@apo/shared/red';

import { DiskJournal } from './disk-journal.ts';
import { TailSampler, defaultSamplerOptions } from './tail-sampler.ts';
import { TracePipeline } from './trace-pipeline.ts';

const log = pino({ level: 'silent' });
const gunzipAsync = promisify(gunzip);
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function span(traceId: string, n: number, error: boolean): Span {
  return {
    traceId,
    spanId: n.toString(16).padStart(16, '0'),
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'GET /x',
    kind: SpanKind.Server,
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 1_020_000_000n,
    attributes: Object.create(null) as Span['attributes'],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: error ? StatusCode.Error : StatusCode.Unset, message: '' },
  };
}

function request(spans: Span[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': 'svc' }, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: {}, droppedAttributesCount: 0 },
            spans,
            schemaUrl: '',
          },
        ],
      },
    ],
  };
}

const ERR = 'e'.repeat(32);
const OK = 'a'.repeat(32);

/** A pipeline over a real journal in `dir`; the next hop's queue is an array here (test double at the edge). */
async function pipelineIn(dir: string, clock: { now: number }, maxHeldBytes?: number) {
  const journal = new DiskJournal(await DiskQueue.open({ dir, maxBytes: 1 << 24, log }));
  const sent: OutboundBatch[] = [];
  const red = createRedAggregator();
  const pipeline = new TracePipeline({
    sampler: new TailSampler({
      ...defaultSamplerOptions,
      spanBudgetPerSecond: 0,
      baselinePerEndpointPerMinute: 0,
    }),
    red,
    journal,
    sink: { enqueue: (b) => Promise.resolve(void sent.push(b)) },
    identity: () => ({ 'host.name': 'h1' }),
    endpointOf: () => 'svc GET /x',
    gzip: (b) => gzipBody(b),
    pack: packBody,
    unpack: unpackBody,
    log,
    now: () => clock.now,
    ...(maxHeldBytes === undefined ? {} : { maxHeldBytes }),
  });
  journal.start((batch, record) => void pipeline.replay(batch, record));
  return { pipeline, journal, sent, red };
}

async function accept(pipeline: TracePipeline<QueuedRecord>, data: TracesData, batchId: string) {
  await pipeline.accept(encodeTracesProto(data), data, batchId);
}

describe('TracePipeline (real journal on disk)', () => {
  it("forwards only the kept traces' spans, marked and under the request's own batch id", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apo-pipeline-'));
    dirs.push(dir);
    const clock = { now: 1_000_000 };
    const { pipeline, journal, sent, red } = await pipelineIn(dir, clock);
    await accept(pipeline, request([span(ERR, 1, true), span(OK, 2, false)]), 'b'.repeat(32));
    expect(red.stats.spans).toBe(2); // RED from every span, before sampling
    clock.now += 15_000;
    pipeline.tick();
    await pipeline.drain();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.batchId).toBe('b'.repeat(32));
    const out = decodeTracesProto(await gunzipAsync(sent[0]!.body));
    if (!out.ok) throw out.error;
    const rs = out.value.resourceSpans[0]!;
    expect(rs.resource.attributes).toMatchObject({
      'service.name': 'svc',
      'host.name': 'h1',
      'apo.red.computed': true,
    });
    const spans = rs.scopeSpans[0]!.spans;
    expect(spans.map((s) => s.traceId)).toEqual([ERR]);
    expect(spans[0]!.attributes['apo.sampling.reason']).toBe('error');
    expect(pipeline.stats()).toMatchObject({ keptSpans: 1, droppedSpans: 1, heldRequests: 0 });
    await journal.close();
  });

  it('replays requests it held when it stopped, and sends them under the same batch id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apo-pipeline-'));
    dirs.push(dir);
    const clock = { now: 1_000_000 };
    const first = await pipelineIn(dir, clock);
    await accept(first.pipeline, request([span(ERR, 1, true)]), 'c'.repeat(32));
    await first.journal.close(); // stopped while the trace was held: nothing sent yet
    expect(first.sent).toHaveLength(0);

    const second = await pipelineIn(dir, clock);
    // The journal hands back what it holds as its loop reads it; wait for that, not for a fixed time.
    await vi.waitFor(() => expect(second.pipeline.stats().heldRequests).toBe(1), { timeout: 10_000 });
    expect(second.red.stats.spans).toBe(0); // RED counted it the first time; a replay does not count again
    clock.now += 15_000;
    second.pipeline.tick();
    await second.pipeline.drain();
    expect(second.sent.map((b) => b.batchId)).toEqual(['c'.repeat(32)]);
    await second.journal.close();

    const third = await pipelineIn(dir, clock); // acked: nothing left to replay
    // The journal's loop reads records in order, so once it has taken a new request back, it has been past
    // everything the directory held: only the new request is held, the acked one was not replayed.
    await accept(third.pipeline, request([span('f'.repeat(32), 2, true)]), 'd'.repeat(32));
    expect(third.pipeline.stats().heldRequests).toBe(1);
    await third.journal.close();
  });

  it('decides the oldest requests early when held bytes pass the bound', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apo-pipeline-'));
    dirs.push(dir);
    const clock = { now: 1_000_000 };
    const { pipeline, journal, sent } = await pipelineIn(dir, clock, 1);
    await accept(pipeline, request([span(ERR, 1, true)]), 'd'.repeat(32));
    pipeline.tick(); // no time has passed, but 1 byte is the budget
    await pipeline.drain();
    expect(sent.map((b) => b.batchId)).toEqual(['d'.repeat(32)]);
    await journal.close();
  });
});
