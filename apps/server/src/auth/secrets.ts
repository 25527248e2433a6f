import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets the server hands out. Each has 256 random bits, so a plain SHA-256 is enough to store it:
 * there is nothing to brute-force, and the digest is what the store is searched by.
 */
export const API_KEY_PREFIX = 'apo_';
export const SESSION_TOKEN_PREFIX = 'apos_';

function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomSecret()}`;
}

export function newSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomSecret()}`;
}

/** A short random id for rows (users, sessions, keys): not a secret. */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** The one-time setup token of a first run. */
export function newSetupToken(): string {
  return randomSecret();
}

export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
