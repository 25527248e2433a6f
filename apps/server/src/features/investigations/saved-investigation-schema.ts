/**
 * The shape of a saved investigation, checked when it is saved (a console sends back what `run` gave it,
 * plus verdicts and notes) and when it is read back from the store (typed without casts). Mirrors
 * InvestigationResult in @apo/shared/console; `satisfies` below keeps the two in step.
 */
import { z } from 'zod';
import { HYPOTHESIS_KINDS, type InvestigationResult } from '@apo/shared/console';

const text = (max: number) => z.string().max(max);
const ms = z.number();
const point = z.tuple([ms, z.number().nullable()]);
const points = z.array(point).max(24 * 60 + 120);

const evidenceQuery = z.object({
  source: z.enum(['red_server', 'red_client', 'metrics', 'logs', 'spans']),
  service: text(1024),
  measure: text(256),
  instance: text(1024).optional(),
  endpoint: text(1024).optional(),
  target: text(1024).optional(),
});

const evidence = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('series'),
    title: text(512),
    unit: text(64),
    query: evidenceQuery,
    points,
    baseline: z.number().nullable(),
    onsetMs: ms.nullable(),
  }),
  z.object({ type: z.literal('traces'), title: text(512), traceIds: z.array(text(64)).max(100) }),
  z.object({
    type: z.literal('logs'),
    title: text(512),
    lines: z
      .array(
        z.object({
          ts: ms,
          service: text(1024),
          instance: text(1024),
          severity: text(64),
          body: text(4096),
          traceId: text(64),
        }),
      )
      .max(100),
  }),
  z.object({
    type: z.literal('events'),
    title: text(512),
    events: z
      .array(
        z.object({
          ts: ms,
          name: text(256),
          service: text(1024),
          instance: text(1024),
          detail: text(1024),
        }),
      )
      .max(100),
  }),
]);

const hypothesis = z.object({
  rank: z.number().int().min(1).max(100),
  kind: z.enum(HYPOTHESIS_KINDS),
  service: text(1024),
  instance: text(1024).optional(),
  endpoint: text(1024).optional(),
  target: text(1024).optional(),
  confidence: z.number().min(0).max(1),
  summary: text(2048),
  evidence: z.array(evidence).max(20),
});

const impact = z.object({
  service: text(1024),
  endpoint: text(1024).nullable(),
  endpoints: z
    .array(
      z.object({
        endpoint: text(1024),
        requests: z.number(),
        latencyBefore: z.number().nullable(),
        latencyAfter: z.number().nullable(),
        errorRateBefore: z.number().nullable(),
        errorRateAfter: z.number().nullable(),
        onsetMs: ms.nullable(),
        degraded: z.boolean(),
      }),
    )
    .max(50),
  timeline: z.object({ latencyP90Ms: points, errorRate: points, logErrors: points }),
});

export const investigationResultSchema = z.object({
  id: text(64).min(1),
  from: ms,
  to: ms,
  service: text(1024).nullable(),
  endpoint: text(1024).nullable(),
  onsetMs: ms.nullable(),
  impact: impact.nullable(),
  dependencies: z
    .array(
      z.object({
        service: text(1024),
        similarity: z.number().min(-1).max(1),
        delaySource: z.enum(['self', 'dependency']).nullable(),
      }),
    )
    .max(500),
  hypotheses: z.array(hypothesis).max(20),
}) satisfies z.ZodType<InvestigationResult>;

export const verdictSchema = z.object({
  rank: z.number().int().min(1).max(100),
  verdict: z.enum(['confirm', 'reject']),
  note: text(4096),
});

/** What the store keeps in `body`. */
export const savedBodySchema = z.object({
  result: investigationResultSchema,
  verdicts: z.array(verdictSchema).max(100),
  notes: text(16_384),
});
export type SavedBody = z.infer<typeof savedBodySchema>;
