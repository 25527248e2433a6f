import { z } from 'zod';
import { idInput, roleInput } from '../../auth/account-inputs.ts';
import { principalName } from '../../auth/roles.ts';
import { adminProcedure, router } from '../../trpc/init.ts';

/** API keys for automation (`Authorization: Bearer apo_…`): admins only. */
export const apiKeysRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.access.apiKeys.list()),

  /** The key is in this answer only; the server keeps its digest. */
  create: adminProcedure
    .input(z.object({ name: z.string().trim().min(1).max(128), role: roleInput }))
    .mutation(async ({ ctx, input }) => {
      const { key, info } = await ctx.access.apiKeys.create({
        ...input,
        createdBy: principalName(ctx.caller),
      });
      ctx.log.info(
        { keyId: info.id, name: info.name, role: info.role, by: info.createdBy },
        'API key created',
      );
      return { key, ...info };
    }),

  revoke: adminProcedure.input(z.object({ id: idInput })).mutation(async ({ ctx, input }) => {
    await ctx.access.apiKeys.revoke(input.id);
    ctx.log.info({ keyId: input.id, by: principalName(ctx.caller) }, 'API key revoked');
    return { revoked: true };
  }),
});
