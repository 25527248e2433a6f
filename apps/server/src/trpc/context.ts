import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Storage } from '../storage/index.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { AccessControl, PrincipalLookup } from '../auth/access-control.ts';
import { sessionCookieOf } from '../auth/session-cookie.ts';
import type { PodDirectory } from '../features/kubernetes/pod-directory.ts';
import type { SettingsStore } from '../features/settings/settings-store.ts';
import type { InvestigationStore } from '../features/investigations/investigation-store.ts';
import type { SavedInvestigationStore } from '../features/investigations/saved-investigation-store.ts';
import type { ServerConfig } from '../config/server-config.ts';

export interface AppDeps {
  storage: Storage;
  log: Logger;
  auth: Authenticator;
  /** Users, sessions, API keys: who a request is. */
  access: AccessControl;
  settings: SettingsStore;
  /** Users' verdicts on investigation hypotheses. */
  investigations: InvestigationStore;
  /** Investigations users saved, to reopen without re-running. */
  savedInvestigations: SavedInvestigationStore;
  /** The Kubernetes pod snapshots proxies published, per cluster. */
  pods: PodDirectory;
  /** How much one answer may hold. */
  limits: ServerConfig['api'];
  version: string;
  startedAt: number;
  /** Readiness as the HTTP probes see it; health reports it too. */
  isReady: () => boolean;
}

/** The request as access control sees it. */
interface RequestInfo {
  address: string;
  userAgent: string;
  /** Served over TLS: the session cookie gets `Secure`. */
  secure: boolean;
}

export interface Context extends AppDeps {
  request: RequestInfo;
  /** For headers the answer needs (Set-Cookie, Retry-After). */
  reply: FastifyReply;
  /** Who the caller is, looked up once, on first use (open procedures such as health never pay for it). */
  principal: () => Promise<PrincipalLookup>;
}

export function makeContextFactory(deps: AppDeps) {
  return ({ req, res }: CreateFastifyContextOptions): Context => {
    let lookup: Promise<PrincipalLookup> | undefined;
    const credentials = {
      authorization: req.headers.authorization,
      sessionCookie: sessionCookieOf(req.headers.cookie),
    };
    return {
      ...deps,
      request: {
        address: req.ip,
        userAgent: (req.headers['user-agent'] ?? '').slice(0, 256),
        secure: req.protocol === 'https',
      },
      reply: res,
      principal: () => (lookup ??= deps.access.principalOf(credentials)),
    };
  };
}
