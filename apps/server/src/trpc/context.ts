import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { Logger } from 'pino';
import type { Storage } from '../storage/index.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import type { PodDirectory } from '../features/kubernetes/pod-directory.ts';
import type { ServerConfig } from '../config/server-config.ts';

export interface AppDeps {
  storage: Storage;
  log: Logger;
  auth: Authenticator;
  /** The Kubernetes pod snapshots proxies published, per cluster. */
  pods: PodDirectory;
  /** How much one answer may hold. */
  limits: ServerConfig['api'];
  version: string;
  startedAt: number;
  /** Readiness as the HTTP probes see it; health reports it too. */
  isReady: () => boolean;
}

export interface Context extends AppDeps {
  /** True when the caller presented the admin credential (or auth is off). */
  authorized: boolean;
}

export function makeContextFactory(deps: AppDeps) {
  return ({ req }: CreateFastifyContextOptions): Context => ({
    ...deps,
    authorized: deps.auth.allowsApi(req.headers.authorization),
  });
}
