import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@apo/server/router';

/** The shapes of the auth and admin procedures, inferred from the server's router through the client. */
type Client = TRPCClient<AppRouter>;

export type Session = Awaited<ReturnType<Client['auth']['session']['query']>>;
export type UserRow = Awaited<ReturnType<Client['users']['list']['query']>>[number];
export type Role = UserRow['role'];
export type ApiKeyRow = Awaited<ReturnType<Client['apiKeys']['list']['query']>>[number];
export type SessionRow = Awaited<ReturnType<Client['sessions']['list']['query']>>[number];
