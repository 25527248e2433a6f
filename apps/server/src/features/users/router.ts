import { z } from 'zod';
import { displayNameInput, newPasswordInput, roleInput, usernameInput } from '../../auth/account-inputs.ts';
import { principalName } from '../../auth/roles.ts';
import { adminProcedure, router } from '../../trpc/init.ts';
import { NotFoundError } from '../domain-errors.ts';
import type { UserStore } from './user-store.ts';

async function userNamed(users: UserStore, username: string) {
  const user = await users.findByUsername(username);
  if (!user) throw new NotFoundError(`no user "${username}"`);
  return user;
}

/** User accounts: admins only. Users are named by username (unique, case-insensitive, never renamed). */
export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => ctx.access.users.list()),

  create: adminProcedure
    .input(
      z.object({
        username: usernameInput,
        displayName: displayNameInput,
        password: newPasswordInput,
        role: roleInput,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.access.users.create(input);
      ctx.log.info(
        { username: user.username, role: user.role, by: principalName(ctx.caller) },
        'user created',
      );
      return user;
    }),

  /** Display name, role, disabled. Disabling ends the user's sessions; a role change applies at once. */
  update: adminProcedure
    .input(
      z.object({
        username: usernameInput,
        displayName: displayNameInput.optional(),
        role: roleInput.optional(),
        disabled: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { username, ...change } = input;
      const current = await userNamed(ctx.access.users, username);
      const user = await ctx.access.users.update(current.id, change);
      if (user.disabled) await ctx.access.sessions.revokeForUser(user.id);
      ctx.log.info({ username, change, by: principalName(ctx.caller) }, 'user updated');
      return user;
    }),

  /** Sets a new password and ends the user's sessions. */
  resetPassword: adminProcedure
    .input(z.object({ username: usernameInput, password: newPasswordInput }))
    .mutation(async ({ ctx, input }) => {
      const user = await userNamed(ctx.access.users, input.username);
      await ctx.access.users.setPassword(user.id, input.password);
      await ctx.access.sessions.revokeForUser(user.id);
      ctx.log.info({ username: user.username, by: principalName(ctx.caller) }, 'password reset');
      return { reset: true };
    }),
});
