import { z } from 'zod';
import { HYPOTHESIS_KINDS } from '@apo/shared/console';
import { TRPCError } from '@trpc/server';
import { principalName, settingsScope, type Principal } from '../../auth/roles.ts';
import { router, viewerProcedure } from '../../trpc/init.ts';
import { timeRangeInput } from '../time-range.ts';
import { investigateTrace, runInvestigation } from './investigation-engine.ts';
import { investigationResultSchema, verdictSchema } from './saved-investigation-schema.ts';
import type { SavedBy } from './saved-investigation-store.ts';

const name = z.string().min(1).max(1024);
const savedId = z.string().min(1).max(64);

const savedBy = (caller: Principal): SavedBy => ({
  owner: settingsScope(caller),
  name: principalName(caller),
  admin: caller.role === 'admin',
});
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

  /** The verdicts given on one investigation's hypotheses, oldest first. */
  feedbackOf: viewerProcedure
    .input(z.object({ investigationId: z.string().min(1).max(64) }))
    .query(({ ctx, input }) => ctx.investigations.feedback(input.investigationId)),

  /** Keeps an investigation as shown (hypotheses with their evidence data, verdicts, notes); at most 900 KiB. */
  save: viewerProcedure
    .input(
      z.object({
        title: z.string().trim().min(1, 'a saved investigation needs a title').max(200),
        result: investigationResultSchema,
        verdicts: z.array(verdictSchema).max(100),
        notes: z.string().max(16_384),
      }),
    )
    .mutation(({ ctx, input }) => ctx.savedInvestigations.save(input, savedBy(ctx.caller))),

  /** The latest saved investigations (200), newest first. */
  list: viewerProcedure.query(({ ctx }) => ctx.savedInvestigations.list(savedBy(ctx.caller))),

  /** One saved investigation, drawable as it was saved: nothing is re-run. */
  get: viewerProcedure
    .input(z.object({ id: savedId }))
    .query(({ ctx, input }) => ctx.savedInvestigations.get(input.id, savedBy(ctx.caller))),

  /** Removes a saved investigation: its owner or an admin. */
  remove: viewerProcedure.input(z.object({ id: savedId })).mutation(async ({ ctx, input }) => {
    const outcome = await ctx.savedInvestigations.remove(input.id, savedBy(ctx.caller));
    if (outcome === 'forbidden')
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: 'only the one who saved an investigation, or an admin, can remove it',
      });
    return { removed: input.id };
  }),
});
