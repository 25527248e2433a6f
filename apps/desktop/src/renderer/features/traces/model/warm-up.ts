/**
 * A trace worker started ahead of need (use-trace-loader.ts) reads a small generated file of each format
 * while the user is still choosing theirs: the file reader's byte loops (span-bytes.ts) are then already
 * compiled by the engine's optimising tier when the real file arrives, instead of running its first
 * hundred thousand spans in the interpreter and baseline code. About 30 ms, once, off the page's thread.
 */
import { TraceFileReader } from './trace-file.ts';

const SPANS = 2000;
const TRACE = '0123456789abcdef0123456789abcdef';
const hex16 = (i: number) => (i + 1).toString(16).padStart(16, '0');

function jaegerSample(): string {
  const spans = Array.from({ length: SPANS }, (_, i) =>
    JSON.stringify({
      traceID: TRACE,
      spanID: hex16(i),
      operationName: `op-${i % 20}`,
      references: i === 0 ? [] : [{ refType: 'CHILD_OF', traceID: TRACE, spanID: hex16(i >> 1) }],
      startTime: 1700000000000000 + i,
      duration: 1000 - (i % 900),
      tags: [
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'http.status_code', type: 'int64', value: 200 },
        ...(i % 97 === 0 ? [{ key: 'error', type: 'bool', value: true }] : []),
      ],
      logs: [],
      processID: `p${i % 3}`,
      warnings: null,
    }),
  );
  const processes = {
    p0: { serviceName: 'a', tags: [] },
    p1: { serviceName: 'b', tags: [] },
    p2: { serviceName: 'c', tags: [] },
  };
  return `{"data":[{"traceID":"${TRACE}","spans":[${spans.join(',')}],"processes":${JSON.stringify(processes)}}]}`;
}

function otlpSample(): string {
  const spans = Array.from({ length: SPANS }, (_, i) => ({
    traceId: TRACE,
    spanId: hex16(i),
    parentSpanId: i === 0 ? '' : hex16(i >> 1),
    name: `op-${i % 20}`,
    kind: 2,
    startTimeUnixNano: `${1700000000000000000 + i * 1000}`,
    endTimeUnixNano: `${1700000000000000000 + i * 1000 + 500_000}`,
    attributes: [{ key: 'http.route', value: { stringValue: `/r/${i % 7}` } }],
    status: { code: i % 97 === 0 ? 2 : 0 },
  }));
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }] },
        scopeSpans: [{ scope: { name: 'warm-up' }, spans }],
      },
    ],
  });
}

/** Reads the samples; the spans read (for the test: the reader really ran). */
export function warmUpFileReader(): number {
  const enc = new TextEncoder();
  let spans = 0;
  for (const text of [jaegerSample(), otlpSample()]) {
    const bytes = enc.encode(text);
    const reader = new TraceFileReader();
    // In chunks, as a file stream delivers them, so the chunk-crossing path warms up too.
    for (let i = 0; i < bytes.length; i += 65_536) reader.push(bytes.subarray(i, i + 65_536));
    spans += reader.finish().traces.reduce((n, t) => n + t.columns.count, 0);
  }
  return spans;
}
