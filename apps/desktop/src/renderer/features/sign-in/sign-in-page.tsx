import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { authApi } from '../../app/auth/auth-api.ts';
import { describeAuthProblem } from '../../app/auth/auth-errors.ts';
import { SESSION_KEY } from '../../app/auth/session.ts';
import { useConnection } from '../../app/data/connection.tsx';
import { useBridge } from '../../app/bridge-context.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';
import { SignInForm } from './sign-in-form.tsx';

export function SignInPage() {
  const { redirect } = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  const connection = useConnection();
  const bridge = useBridge();
  const api = authApi(useTRPCClient());
  const queryClient = useQueryClient();
  const signIn = useMutation({
    mutationFn: (c: { username: string; password: string }) =>
      api.auth.signIn.mutate({ ...c, client: bridge.platform === 'web' ? 'browser' : 'desktop' }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
      // The redirect was validated as an in-app path (route-search.ts).
      window.location.hash = redirect ?? '/';
    },
  });
  return (
    <main className="standalone">
      <SignInForm
        onSubmit={(c) => signIn.mutate(c)}
        pending={signIn.isPending}
        problem={signIn.isError ? describeAuthProblem(signIn.error, connection.serverUrl) : null}
      />
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
