/**
 * A stored trace over the old 1,000-span export limit, every span with attributes of its own, for the
 * export test (console-trace-compare.spec.ts): the exported file must carry each span's seeded attributes.
 */
import { bigTraceSpans, otlpJson, type SeedSpan } from './trace-seed.ts';

export const BIG_EXPORT_TRACE_ID = '5eed00000000000000000000000e4b01';
export const BIG_EXPORT_SPANS = 3_000;

/** The seeded attributes of span `i` (0-based, as bigTraceSpans numbers them). */
export const exportSeedAttributes = (i: number): Record<string, string> => ({
  'seq.n': String(i),
  'order.id': `o-${(i * 7919) % 100_000}`,
});

export async function seedBigExportTrace(serverUrl: string, nowMs = Date.now()): Promise<void> {
  const spans: SeedSpan[] = bigTraceSpans(BIG_EXPORT_SPANS).map((s, i) => ({
    ...s,
    attributes: exportSeedAttributes(i),
  }));
  // In requests of 1,000 spans: well under any request size bound.
  for (let from = 0; from < spans.length; from += 1_000) {
    const res = await fetch(`${serverUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(otlpJson(BIG_EXPORT_TRACE_ID, spans.slice(from, from + 1_000), nowMs - 200_000)),
    });
    if (!res.ok) throw new Error(`seeding the export trace failed: HTTP ${res.status} ${await res.text()}`);
  }
}
