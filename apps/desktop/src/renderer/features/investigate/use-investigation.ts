import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../trpc/trpc.ts';

/** What one run investigates: absolute ends (ms), so the same link runs the same window again. */
export interface RunTarget {
  from: number;
  to: number;
  service?: string | undefined;
  endpoint?: string | undefined;
  cluster?: string | undefined;
}

/**
 * The investigation page's data: the run (kept as long as the page lives: the same window gives the same
 * answer, and a re-run on every focus would change its id under the user's verdicts), a trace's root cause,
 * the saved investigations (a saved one is pinned in the offline cache, so it reopens without the server),
 * and the changes: a verdict, a save, a removal.
 */
export function useInvestigation(opts: {
  run: RunTarget | null;
  traceId: string | undefined;
  cluster: string | undefined;
  saved: string | undefined;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const listKey = trpc.investigations.list.queryKey();
  const refreshList = () => queryClient.invalidateQueries({ queryKey: listKey });
  return {
    run: useQuery({
      ...trpc.investigations.run.queryOptions(opts.run ?? skipToken),
      staleTime: Infinity,
    }),
    trace: useQuery({
      ...trpc.investigations.trace.queryOptions(
        opts.traceId === undefined ? skipToken : { traceId: opts.traceId, cluster: opts.cluster },
      ),
      staleTime: Infinity,
    }),
    saved: useQuery({
      ...trpc.investigations.get.queryOptions(opts.saved === undefined ? skipToken : { id: opts.saved }),
      staleTime: Infinity,
      meta: { pin: true },
    }),
    list: useQuery(trpc.investigations.list.queryOptions()),
    feedback: useMutation(trpc.investigations.feedback.mutationOptions()),
    save: useMutation(trpc.investigations.save.mutationOptions({ onSuccess: refreshList })),
    remove: useMutation(trpc.investigations.remove.mutationOptions({ onSuccess: refreshList })),
  };
}
