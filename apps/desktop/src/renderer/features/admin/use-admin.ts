import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { authApi } from '../../app/auth/auth-api.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';

const KEYS = {
  users: ['apo', 'users.list'],
  apiKeys: ['apo', 'apiKeys.list'],
  sessions: ['apo', 'sessions.list'],
} as const;

/** The admin lists (only the open tab's is fetched) and the changes to them; a change refetches its list. */
export function useAdmin(tab: string) {
  const api = authApi(useTRPCClient());
  const queryClient = useQueryClient();
  const after = (key: readonly string[]) => ({
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  return {
    users: useQuery({
      queryKey: KEYS.users,
      queryFn: ({ signal }) => api.users.list.query(undefined, { signal }),
      enabled: tab === 'users',
    }),
    apiKeys: useQuery({
      queryKey: KEYS.apiKeys,
      queryFn: ({ signal }) => api.apiKeys.list.query(undefined, { signal }),
      enabled: tab === 'api-keys',
    }),
    sessions: useQuery({
      queryKey: KEYS.sessions,
      queryFn: ({ signal }) => api.sessions.list.query(undefined, { signal }),
      enabled: tab === 'sessions',
    }),
    createUser: useMutation({ mutationFn: api.users.create.mutate, ...after(KEYS.users) }),
    updateUser: useMutation({ mutationFn: api.users.update.mutate, ...after(KEYS.users) }),
    resetPassword: useMutation({ mutationFn: api.users.resetPassword.mutate }),
    createApiKey: useMutation({ mutationFn: api.apiKeys.create.mutate, ...after(KEYS.apiKeys) }),
    revokeApiKey: useMutation({ mutationFn: api.apiKeys.revoke.mutate, ...after(KEYS.apiKeys) }),
    revokeSession: useMutation({ mutationFn: api.sessions.revoke.mutate, ...after(KEYS.sessions) }),
  };
}
