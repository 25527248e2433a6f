import { TRPCError } from '@trpc/server';
import type { Logger } from 'pino';
import type { ApiKeyStore } from '../features/api-keys/api-key-store.ts';
import { normalizeUsername, type UserStore } from '../features/users/user-store.ts';
import type { Authenticator } from './authenticator.ts';
import type { FirstRunSetup } from './first-run-setup.ts';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from './passwords.ts';
import type { Principal, Role } from './roles.ts';
import { API_KEY_PREFIX, SESSION_TOKEN_PREFIX } from './secrets.ts';
import type { SessionStore } from './session-store.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';

/** What the request presented, as the transport saw it. */
export interface RequestCredentials {
  authorization: string | undefined;
  sessionCookie: string | undefined;
}

export type PrincipalLookup =
  { principal: Principal } | { principal?: undefined; problem: 'missing' | 'invalid' };

export interface SignedIn {
  user: { username: string; displayName: string; role: Role };
  token: string;
  expiresAt: number;
}

function bearer(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^\s*Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

// Unknown usernames are checked against this hash so they take as long as known ones: the answer's timing
// does not tell which usernames exist.
const decoyHash = hashPassword('decoy password that matches nothing', DEFAULT_SCRYPT);

export interface AccessDeps {
  authenticator: Authenticator;
  users: UserStore;
  sessions: SessionStore;
  apiKeys: ApiKeyStore;
  setup: FirstRunSetup;
  throttle: SignInThrottle;
  log: Logger;
}

/**
 * Who a request is, and signing in. With auth off (loopback only) every request is the local admin; with
 * auth on a request is the admin token, an API key, or a user's session (desktop bearer token or browser
 * cookie), checked in that order.
 */
export class AccessControl {
  readonly enabled: boolean;
  readonly #deps: AccessDeps;
  /** Once an admin exists the setup is over for good (the last admin cannot be removed). */
  #hasAdmin = false;

  constructor(enabled: boolean, deps: AccessDeps) {
    this.enabled = enabled;
    this.#deps = deps;
  }

  get users(): UserStore {
    return this.#deps.users;
  }
  get sessions(): SessionStore {
    return this.#deps.sessions;
  }
  get apiKeys(): ApiKeyStore {
    return this.#deps.apiKeys;
  }
  get setup(): FirstRunSetup {
    return this.#deps.setup;
  }

  async principalOf(credentials: RequestCredentials): Promise<PrincipalLookup> {
    if (!this.enabled) return { principal: { kind: 'local', role: 'admin' } };
    const token = bearer(credentials.authorization);
    if (token !== undefined) {
      if (this.#deps.authenticator.isAdminToken(token))
        return { principal: { kind: 'admin-token', role: 'admin' } };
      if (token.startsWith(SESSION_TOKEN_PREFIX)) return this.#session(token);
      if (token.startsWith(API_KEY_PREFIX)) {
        const key = await this.#deps.apiKeys.resolve(token);
        return key
          ? { principal: { kind: 'api-key', role: key.role, keyId: key.id, name: key.name } }
          : { problem: 'invalid' };
      }
      return { problem: 'invalid' };
    }
    if (credentials.sessionCookie !== undefined) return this.#session(credentials.sessionCookie);
    return { problem: 'missing' };
  }

  async #session(token: string): Promise<PrincipalLookup> {
    const session = await this.#deps.sessions.resolve(token);
    if (!session) return { problem: 'invalid' };
    return { principal: { kind: 'user', ...session } };
  }

  /** True while auth is on and no enabled admin account exists. */
  async setupNeeded(): Promise<boolean> {
    if (!this.enabled || this.#hasAdmin) return false;
    this.#hasAdmin = (await this.#deps.users.countActiveAdmins()) > 0;
    if (this.#hasAdmin) this.#deps.setup.close();
    return !this.#hasAdmin;
  }

  /**
   * Checks a password under the throttle. Every failure is logged with the username, the address and the
   * reason — never the password — and answered with the same message, whatever the reason.
   */
  async verifyCredentials(rawUsername: string, password: string, address: string) {
    const { throttle, log, users } = this.#deps;
    const username = normalizeUsername(rawUsername);
    const verdict = throttle.check(username, address);
    if (!verdict.allowed) {
      log.warn({ username, address, reason: `locked out (${verdict.by})` }, 'sign-in refused');
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `too many failed sign-ins: try again in ${verdict.retryAfterSeconds} s (Retry-After: ${verdict.retryAfterSeconds})`,
        cause: new RetryAfter(verdict.retryAfterSeconds),
      });
    }
    const user = await users.findByUsername(username);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    const reason = !user
      ? 'unknown user'
      : !matches
        ? 'wrong password'
        : user.disabled
          ? 'account disabled'
          : undefined;
    if (reason !== undefined || !user) {
      throttle.failed(username, address);
      log.warn({ username, address, reason }, 'sign-in failed');
      throw new TRPCError({
        code: 'UNAUTHORIZED',
        message: 'wrong username or password, or the account is disabled',
      });
    }
    throttle.succeeded(username, address);
    return user;
  }

  async signIn(input: {
    username: string;
    password: string;
    client: 'browser' | 'desktop';
    address: string;
    userAgent: string;
  }): Promise<SignedIn> {
    const user = await this.verifyCredentials(input.username, input.password, input.address);
    const session = await this.#deps.sessions.create({
      userId: user.id,
      client: input.client,
      address: input.address,
      userAgent: input.userAgent,
    });
    this.#deps.log.info(
      { username: user.username, address: input.address, client: input.client },
      'signed in',
    );
    return {
      user: { username: user.username, displayName: user.displayName, role: user.role },
      token: session.token,
      expiresAt: session.expiresAt,
    };
  }
}

/** Carried as a TRPCError's cause so the transport can set the `Retry-After` header. */
export class RetryAfter extends Error {
  override readonly name = 'RetryAfter';
  readonly seconds: number;
  constructor(seconds: number) {
    super(`retry after ${seconds} s`);
    this.seconds = seconds;
  }
}
