import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPCClient } from '../../trpc/trpc.ts';
import { useActiveConnection } from '../active-connection.ts';
import { useConnection } from '../data/connection.tsx';
import { httpStatusOf } from '../data/query-client.ts';

export const SESSION_KEY = ['apo', 'auth.session'] as const;

/**
 * Who is using the console: the local admin (no sign-in) or a signed-in user. `needsSignIn` when the
 * server says 401 (checked again whenever any request gets a 401, see connection.tsx).
 */
export function useSession() {
  const api = useTRPCClient();
  const { authRequired } = useConnection();
  const session = useQuery({
    queryKey: SESSION_KEY,
    queryFn: ({ signal }) => api.auth.session.query(undefined, { signal }),
    meta: { persist: false },
    staleTime: 60_000,
    retry: false,
    // A server without sign-in (health says so) has one user, the local admin: nothing to ask.
    enabled: authRequired === true,
  });
  const status = httpStatusOf(session.error);
  return {
    session: session.data,
    needsSignIn: status === 401,
    isPending: session.isPending,
  };
}

export function useSignOut() {
  const api = useTRPCClient();
  const active = useActiveConnection();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.auth.signOut.mutate(),
    onSuccess: async () => {
      await active.setToken(null);
      queryClient.clear();
    },
  });
}
