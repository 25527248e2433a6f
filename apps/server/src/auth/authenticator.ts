import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Credentials: one admin token (console API + ingest), ingest tokens (agents and SDKs), proxy tokens
 * (ingest + a trusted `X-APO-Cluster-Id`). Tokens are compared as SHA-256 digests in constant time and are
 * never logged.
 */
export interface AuthSettings {
  enabled: boolean;
  adminToken?: string | undefined;
  ingestTokens: readonly string[];
  proxyTokens: readonly string[];
}

export type IngestIdentity = { ok: true; trustClusterHeader: boolean } | { ok: false; message: string };

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export class Authenticator {
  readonly enabled: boolean;
  readonly #admin: Buffer[];
  readonly #ingest: Buffer[];
  readonly #proxy: Buffer[];

  constructor(settings: AuthSettings) {
    this.enabled = settings.enabled;
    this.#admin = settings.adminToken ? [digest(settings.adminToken)] : [];
    this.#proxy = settings.proxyTokens.map(digest);
    this.#ingest = [...settings.ingestTokens.map(digest), ...this.#admin, ...this.#proxy];
  }

  static #matches(candidates: Buffer[], token: string | undefined): boolean {
    if (token === undefined) return false;
    const d = digest(token);
    // Compare against every candidate so timing does not reveal which one matched.
    let found = false;
    for (const c of candidates) found = timingSafeEqual(c, d) || found;
    return found;
  }

  /** The APO_ADMIN_TOKEN, whatever auth's mode (the caller decides what auth off means). */
  isAdminToken(token: string): boolean {
    return Authenticator.#matches(this.#admin, token);
  }

  /** `/metrics`: the admin token. */
  allowsApi(authorization: string | undefined): boolean {
    return !this.enabled || Authenticator.#matches(this.#admin, bearer(authorization));
  }

  /** OTLP ingest. With auth off (loopback only) every sender is trusted, proxies included. */
  checkIngest(authorization: string | undefined): IngestIdentity {
    if (!this.enabled) return { ok: true, trustClusterHeader: true };
    const token = bearer(authorization);
    if (token === undefined) {
      return { ok: false, message: 'missing credential: send "Authorization: Bearer <ingest token>"' };
    }
    if (!Authenticator.#matches(this.#ingest, token)) return { ok: false, message: 'invalid ingest token' };
    return { ok: true, trustClusterHeader: Authenticator.#matches(this.#proxy, token) };
  }
}
