import { z } from 'zod';
import { idInput } from '../../auth/account-inputs.ts';
import { principalName } from '../../auth/roles.ts';
import { adminProcedure, router } from '../../trpc/init.ts';

/** Sign-in sessions (browser and desktop) still usable: admins see and end them. */
export const sessionsRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.access.sessions.listActive()),

  revoke: adminProcedure.input(z.object({ id: idInput })).mutation(async ({ ctx, input }) => {
    await ctx.access.sessions.revoke(input.id);
    ctx.log.info({ sessionId: input.id, by: principalName(ctx.caller) }, 'session revoked');
    return { revoked: true };
  }),
});
