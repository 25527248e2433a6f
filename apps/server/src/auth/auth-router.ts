import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { adminlessProblem } from './first-run-setup.ts';
import { clearedSessionCookie, sessionCookie } from './session-cookie.ts';
import { displayNameInput, newPasswordInput, passwordInput, usernameInput } from './account-inputs.ts';
import { openProcedure, router, SIGN_IN_HINT, viewerProcedure } from '../trpc/init.ts';
import { ConflictError } from '../features/domain-errors.ts';

const LOCAL_USER = { username: 'local', displayName: 'Local admin', role: 'admin' as const };

/** Signing in and out, the session in use, the first run's setup, one's own password. */
export const authRouter = router({
  /** Who the console is signed in as; `local` when auth is off (loopback) and everyone is the local admin. */
  session: openProcedure.query(async ({ ctx }) => {
    const lookup = await ctx.principal();
    const p = lookup.principal;
    if (!p) {
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message:
          lookup.problem === 'invalid'
            ? `the session has ended: ${SIGN_IN_HINT}`
            : `not signed in: ${SIGN_IN_HINT}`,
      });
    }
    switch (p.kind) {
      case 'local':
        return { mode: 'local' as const, user: LOCAL_USER };
      case 'user':
        return {
          mode: 'signed-in' as const,
          user: { username: p.username, displayName: p.displayName, role: p.role },
        };
      case 'admin-token':
        return {
          mode: 'signed-in' as const,
          user: { username: 'admin-token', displayName: 'Admin token', role: p.role },
        };
      case 'api-key':
        return {
          mode: 'signed-in' as const,
          user: { username: `api-key:${p.name}`, displayName: p.name, role: p.role },
        };
    }
  }),

  /**
   * Browsers get the session as an httpOnly cookie; the desktop app gets the token in the answer and sends
   * it as a bearer token (it keeps it in the OS's secure storage).
   */
  signIn: openProcedure
    .input(
      z.object({
        username: usernameInput,
        password: passwordInput,
        client: z.enum(['browser', 'desktop']).default('browser'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const signedIn = await ctx.access.signIn({
        ...input,
        address: ctx.request.address,
        userAgent: ctx.request.userAgent,
      });
      if (input.client === 'desktop')
        return { user: signedIn.user, token: signedIn.token, expiresAt: signedIn.expiresAt };
      void ctx.reply.header(
        'set-cookie',
        sessionCookie(signedIn.token, {
          secure: ctx.request.secure,
          maxAgeSeconds: Math.floor((signedIn.expiresAt - Date.now()) / 1000),
        }),
      );
      return { user: signedIn.user, expiresAt: signedIn.expiresAt };
    }),

  /** Open so an expired browser session can still clear its cookie; ends the caller's own session if any. */
  signOut: openProcedure.mutation(async ({ ctx }) => {
    const { principal } = await ctx.principal();
    if (principal?.kind === 'user') await ctx.access.sessions.revoke(principal.sessionId);
    void ctx.reply.header('set-cookie', clearedSessionCookie(ctx.request.secure));
    return { signedOut: principal?.kind === 'user' };
  }),

  setupStatus: openProcedure.query(async ({ ctx }) => ({ needed: await ctx.access.setupNeeded() })),

  /** The first admin account, with the one-time token of the setup URL the server printed. */
  setup: openProcedure
    .input(
      z.object({
        token: z.string().min(1).max(128),
        username: usernameInput,
        displayName: displayNameInput,
        password: newPasswordInput,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (!(await ctx.access.setupNeeded())) throw new ConflictError(adminlessProblem.done);
      if (!ctx.access.setup.matches(input.token)) {
        ctx.log.warn({ address: ctx.request.address }, 'setup refused: wrong setup token');
        throw new TRPCError({ code: 'FORBIDDEN', message: adminlessProblem.wrongToken });
      }
      ctx.access.setup.close();
      const user = await ctx.access.users.create({ ...input, role: 'admin' });
      ctx.log.info({ username: user.username, address: ctx.request.address }, 'first admin account created');
      return { user: { username: user.username, displayName: user.displayName, role: user.role } };
    }),

  /** A signed-in user's own password; the user's other sessions end. */
  changePassword: viewerProcedure
    .input(z.object({ currentPassword: passwordInput, newPassword: newPasswordInput }))
    .mutation(async ({ ctx, input }) => {
      const caller = ctx.caller;
      if (caller.kind !== 'user') {
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `only a signed-in user has a password to change (this caller is the ${caller.kind})`,
        });
      }
      try {
        await ctx.access.verifyCredentials(caller.username, input.currentPassword, ctx.request.address);
      } catch (err) {
        // 401 would read as "signed out" to the console; the session is fine, the password is not.
        if (err instanceof TRPCError && err.code === 'UNAUTHORIZED') {
          throw new TRPCError({ code: 'FORBIDDEN', message: 'the current password is wrong' });
        }
        throw err;
      }
      await ctx.access.users.setPassword(caller.userId, input.newPassword);
      await ctx.access.sessions.revokeForUser(caller.userId, caller.sessionId);
      return { changed: true };
    }),
});
