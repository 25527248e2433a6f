import { z } from 'zod';
import { HYPOTHESIS_KINDS } from '@apo/shared/console';
import { principalName } from '../../auth/roles.ts';
import { router, viewerProcedure } from '../../trpc/init.ts';
import { timeRangeInput } from '../time-range.ts';
import { investigateTrace, runInvestigation } from './investigation-engine.ts';

const name = z.string().min(1).max(1024);
const traceIdInput = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters')
  .transform((s) => s.toLowerCase());

/** Guided troubleshooting (issue 17; docs/investigations.md). */
export const investigationsRouter = router({
  /**
   * Ranked, explained hypotheses for a range (at most 24 h; 30 minutes before `from` are read as the
   * baseline), optionally about one service or one of its endpoints: each a kind, a location, a confidence
   * in 0…1, a summary and its evidence (series, traces, logs, events). With no fault, none above 0.5.
   */
  run: viewerProcedure
    .input(timeRangeInput({ service: name.optional(), endpoint: name.optional() }))
    .query(({ ctx, input }) => runInvestigation(ctx.storage, input)),

  /** The root cause inside one trace: the service whose self time exceeds its expectation most, or the deepest failing span, and the error chain. */
  trace: viewerProcedure
    .input(z.object({ traceId: traceIdInput, cluster: z.string().min(1).max(64).optional() }))
    .query(({ ctx, input }) => investigateTrace(ctx.storage, input.traceId, input.cluster, ctx.limits)),

  /** A user confirms or rejects a hypothesis; stored (config store) to tune the engine later. */
  feedback: viewerProcedure
    .input(
      z.object({
        investigationId: z.string().min(1).max(64),
        kind: z.enum(HYPOTHESIS_KINDS),
        service: name,
        target: name.optional(),
        confidence: z.number().min(0).max(1),
        verdict: z.enum(['confirm', 'reject']),
        note: z.string().max(4096).optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.investigations.addFeedback(input, principalName(ctx.caller))),
});
