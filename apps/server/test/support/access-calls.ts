import { TRPCClientError } from '@trpc/client';
import { apiClient } from './api-client.ts';
import type { ServerProcess } from './server-process.ts';

/** The tRPC error of a call that must fail: its code, HTTP status and message. */
export async function failure(
  call: Promise<unknown>,
): Promise<{ code: string; status: number; message: string }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof TRPCClientError)) throw err;
    const data = (err as TRPCClientError<never>).data as { code: string; httpStatus: number } | undefined;
    return { code: data?.code ?? '', status: data?.httpStatus ?? 0, message: err.message };
  }
  throw new Error('the call succeeded');
}

export async function signIn(server: ServerProcess, username: string, password: string): Promise<string> {
  const answer = await apiClient(server.httpUrl).auth.signIn.mutate({
    username,
    password,
    client: 'desktop',
  });
  if (!answer.token) throw new Error('no desktop token');
  return answer.token;
}
