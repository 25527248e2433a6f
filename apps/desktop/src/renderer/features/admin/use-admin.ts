import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc/trpc.ts';

export type AdminTab = 'users' | 'api-keys' | 'sessions' | 'server';

/**
 * The admin lists (only the open tab's is fetched) and the changes to them; a change refetches its list.
 * Admin data is never written to the offline cache: it is about who may do what, and must be current.
 */
export function useAdmin(tab: AdminTab) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refetch = (queryKey: readonly unknown[]) => () => queryClient.invalidateQueries({ queryKey });
  const fresh = { meta: { persist: false }, staleTime: 0 } as const;
  return {
    users: useQuery({ ...trpc.users.list.queryOptions(), ...fresh, enabled: tab === 'users' }),
    apiKeys: useQuery({ ...trpc.apiKeys.list.queryOptions(), ...fresh, enabled: tab === 'api-keys' }),
    sessions: useQuery({ ...trpc.sessions.list.queryOptions(), ...fresh, enabled: tab === 'sessions' }),
    createUser: useMutation(
      trpc.users.create.mutationOptions({ onSuccess: refetch(trpc.users.list.queryKey()) }),
    ),
    updateUser: useMutation(
      trpc.users.update.mutationOptions({ onSuccess: refetch(trpc.users.list.queryKey()) }),
    ),
    resetPassword: useMutation(trpc.users.resetPassword.mutationOptions()),
    createApiKey: useMutation(
      trpc.apiKeys.create.mutationOptions({ onSuccess: refetch(trpc.apiKeys.list.queryKey()) }),
    ),
    revokeApiKey: useMutation(
      trpc.apiKeys.revoke.mutationOptions({ onSuccess: refetch(trpc.apiKeys.list.queryKey()) }),
    ),
    revokeSession: useMutation(
      trpc.sessions.revoke.mutationOptions({ onSuccess: refetch(trpc.sessions.list.queryKey()) }),
    ),
  };
}

export type Admin = ReturnType<typeof useAdmin>;
