import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useRouter, useSearch } from '@tanstack/react-router';
import { describeAuthProblem } from '../../app/auth/auth-errors.ts';
import { SESSION_KEY } from '../../app/auth/session.ts';
import { useConnection } from '../../app/data/connection.tsx';
import { useActiveConnection } from '../../app/active-connection.ts';
import { useState } from 'react';
import { useTRPC, useTRPCClient } from '../../trpc/trpc.ts';
import { SignInForm } from './sign-in-form.tsx';

export function SignInPage() {
  const { redirect } = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const router = useRouter();
  const connection = useConnection();
  const active = useActiveConnection();
  const api = useTRPCClient();
  // Set when the desktop token could not go to the OS key store: it works until the app quits.
  const [tokenNote, setTokenNote] = useState<string | null>(null);
  // The desktop app keeps a bearer token (OS key store); a browser gets the server's httpOnly cookie.
  const client = active.connection.credentialKind === 'token' ? 'desktop' : 'browser';
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const setup = useQuery({ ...trpc.auth.setupStatus.queryOptions(), meta: { persist: false } });
  const signIn = useMutation({
    mutationFn: (c: { username: string; password: string }) => api.auth.signIn.mutate({ ...c, client }),
    onSuccess: async (answer) => {
      if (answer.token !== undefined) {
        const note = await active.setToken(answer.token);
        if (note !== null) setTokenNote(note);
      }
      // Who we are now, at once: the shell must not act on the 401 it remembers from before signing in.
      queryClient.setQueryData(SESSION_KEY, { mode: 'signed-in' as const, user: answer.user });
      // The redirect was validated as an in-app path (route-search.ts).
      router.history.push(redirect ?? '/');
    },
  });
  return (
    <main className="standalone">
      {setup.data?.needed === true && (
        <p role="status" className="stale-note">
          This server has no administrator yet: open the setup link it printed when it started (
          <code>/setup?token=…</code>) to create one.
        </p>
      )}
      <SignInForm
        onSubmit={(c) => signIn.mutate(c)}
        pending={signIn.isPending}
        problem={signIn.isError ? describeAuthProblem(signIn.error, connection.serverUrl) : null}
      />
      {tokenNote !== null && (
        <p role="status" className="stale-note">
          Signed in for this run only: {tokenNote}
        </p>
      )}
      <p className="muted small">
        Server: <code>{connection.serverUrl}</code>
        {connection.authRequired === false && (
          <>
            {' '}
            — this server runs in local mode and needs no sign-in.{' '}
            <button type="button" className="link-button" onClick={() => void navigate({ to: '/' })}>
              Go to the overview
            </button>
          </>
        )}
      </p>
    </main>
  );
}
