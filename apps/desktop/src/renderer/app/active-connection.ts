import { createContext, useContext } from 'react';
import type { Connection } from '../../preload/bridge-contract.ts';

/**
 * The server connection this console shows (from the bridge's list), and the desktop session token for it.
 * `setToken` after a sign-in that returned a token (the bridge keeps it in the OS key store).
 */
export interface ActiveConnection {
  connection: Connection;
  connections: Connection[];
  /** The bearer token for requests (desktop connections), or null (cookie or no sign-in). */
  token: () => Promise<string | null>;
  /** Saves (or forgets) the token; resolves to why it could not be kept beyond this run, or null. */
  setToken: (token: string | null) => Promise<string | null>;
  /** Makes another saved connection the active one; the console then shows that server. */
  select: (id: string) => Promise<void>;
}

export const ActiveConnectionContext = createContext<ActiveConnection | null>(null);

export function useActiveConnection(): ActiveConnection {
  const value = useContext(ActiveConnectionContext);
  if (value === null) throw new Error('useActiveConnection outside ActiveConnectionContext');
  return value;
}
