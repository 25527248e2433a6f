import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hasRole, principalName, settingsScope } from '../../auth/roles.ts';
import { router, viewerProcedure } from '../../trpc/init.ts';

/** The overview's health thresholds live under `health.thresholds` (global). */
const keyInput = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ - only');
const scopeInput = z.enum(['user', 'global']);
const MAX_VALUE_BYTES = 64 * 1024;

/**
 * JSON settings by key, the caller's own (`user`) or everyone's (`global`). Reading needs viewer; setting
 * one's own needs viewer, setting a global one editor (checked here: the scope is in the input).
 */
export const settingsRouter = router({
  get: viewerProcedure
    .input(z.object({ scope: scopeInput, key: keyInput }))
    .query(({ ctx, input }) =>
      ctx.settings.get(input.scope === 'global' ? 'global' : settingsScope(ctx.caller), input.key),
    ),

  /** `value: null` removes the setting. */
  set: viewerProcedure
    .input(
      z.object({
        scope: scopeInput,
        key: keyInput,
        value: z.json().refine((v) => JSON.stringify(v).length <= MAX_VALUE_BYTES, {
          message: `must be at most ${MAX_VALUE_BYTES} bytes as JSON`,
        }),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.scope === 'global' && !hasRole(ctx.caller.role, 'editor')) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `settings.set with scope "global" needs the editor role (or higher); this caller is ${ctx.caller.role}`,
        });
      }
      const scope = input.scope === 'global' ? 'global' : settingsScope(ctx.caller);
      await ctx.settings.set(scope, input.key, input.value, principalName(ctx.caller));
      return { saved: true };
    }),
});
