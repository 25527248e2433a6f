import { createHash, timingSafeEqual } from 'node:crypto';
import { IngestError } from '@apo/otlp-transport';
import type { AgentTokenEntry } from '../config/proxy-config.ts';

/**
 * Agent credentials: `Authorization: Bearer <token>` (gRPC metadata `authorization`) against the configured
 * agent tokens. Tokens are compared as SHA-256 digests in constant time, against every entry (so timing does
 * not tell which one matched), and are never logged. With no tokens configured every sender is accepted —
 * the configuration allows that only on loopback.
 */
export class AgentAuth {
  readonly #entries: readonly { entry: AgentTokenEntry; digest: Buffer }[];

  constructor(entries: readonly AgentTokenEntry[]) {
    this.#entries = entries.map((entry) => ({ entry, digest: digest(entry.token) }));
  }

  get enabled(): boolean {
    return this.#entries.length > 0;
  }

  /** The matching token's entry; undefined when authentication is off. Throws a 401 IngestError otherwise. */
  check(authorization: string | undefined): AgentTokenEntry | undefined {
    if (!this.enabled) return undefined;
    const token = bearer(authorization);
    if (token === undefined) {
      throw new IngestError(
        'unauthenticated',
        authorization === undefined || authorization.trim() === ''
          ? 'missing credential: this proxy requires "Authorization: Bearer <agent token>"'
          : 'malformed credential: send "Authorization: Bearer <agent token>"',
      );
    }
    const d = digest(token);
    let found: AgentTokenEntry | undefined;
    for (const { entry, digest: candidate } of this.#entries) {
      if (timingSafeEqual(candidate, d)) found ??= entry;
    }
    if (found === undefined)
      throw new IngestError(
        'unauthenticated',
        "invalid agent token: it is not one of this proxy's agent tokens",
      );
    return found;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return /^\s*Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}
