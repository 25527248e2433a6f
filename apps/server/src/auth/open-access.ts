import type { Logger } from 'pino';
import { openConfigStore, type ConfigStore } from '../config-store/config-store.ts';
import type { ServerConfig } from '../config/server-config.ts';
import { ApiKeyStore } from '../features/api-keys/api-key-store.ts';
import { SettingsStore } from '../features/settings/settings-store.ts';
import { UserStore } from '../features/users/user-store.ts';
import { AccessControl } from './access-control.ts';
import type { Authenticator } from './authenticator.ts';
import { FirstRunSetup } from './first-run-setup.ts';
import { SessionStore } from './session-store.ts';
import { SignInThrottle } from './sign-in-throttle.ts';

export interface OpenedAccess {
  access: AccessControl;
  settings: SettingsStore;
  store: ConfigStore;
  /** After the listener is up: the first run's setup URL, when no admin account exists yet. */
  announce(httpUrl: string): Promise<void>;
  close(): Promise<void>;
}

/** The config store and everything access control keeps in it, ready for the API. */
export async function openAccess(
  config: ServerConfig,
  enabled: boolean,
  authenticator: Authenticator,
  log: Logger,
): Promise<OpenedAccess> {
  const accessLog = log.child({ component: 'access' });
  const store = await openConfigStore(
    { databaseUrl: config.configStore.databaseUrl, dataDir: config.storage.dataDir ?? '' },
    accessLog,
  );
  const users = new UserStore(store.db);
  const sessions = new SessionStore(store.db, {
    idleTimeoutMs: config.auth.sessionIdleTimeoutMs,
    maxAgeMs: config.auth.sessionMaxAgeMs,
  });
  const setup = new FirstRunSetup();
  const access = new AccessControl(enabled, {
    authenticator,
    users,
    sessions,
    apiKeys: new ApiKeyStore(store.db),
    setup,
    throttle: new SignInThrottle(),
    log: accessLog,
  });
  const prune = () =>
    sessions.prune().catch((err: unknown) => accessLog.warn({ err }, 'could not remove ended sessions'));
  const pruning = setInterval(() => void prune(), 3_600_000);
  pruning.unref();
  try {
    await prune();
    if (config.auth.adminPassword !== undefined) {
      const done = await users.ensureAdmin(config.auth.adminPassword);
      accessLog.info(`user "admin" ${done} from APO_ADMIN_PASSWORD`);
    }
  } catch (err) {
    clearInterval(pruning);
    await store.close();
    throw err;
  }
  return {
    access,
    settings: new SettingsStore(store.db),
    store,
    async announce(httpUrl) {
      if (!(await access.setupNeeded())) return;
      const token = setup.open();
      // Warn level: it must show whatever the log level, and it is the one thing the operator has to do.
      accessLog.warn(
        `first run: no admin account exists, so the API serves only sign-in, setup and health. ` +
          `Create the first admin at ${httpUrl}/setup?token=${token} (valid until used or the server restarts), ` +
          `or restart with APO_ADMIN_PASSWORD set`,
      );
    },
    close: async () => {
      clearInterval(pruning);
      await store.close();
    },
  };
}
