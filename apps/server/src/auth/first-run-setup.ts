import { timingSafeEqual } from 'node:crypto';
import { newSetupToken, secretDigest } from './secrets.ts';

/**
 * The first run beyond loopback: no admin account exists, so the server makes a one-time token, prints a
 * setup URL with it, and accepts `auth.setup` with that token once. The token lives in memory only: a
 * restart makes a new one (and the old URL stops working).
 */
export class FirstRunSetup {
  #digest: Buffer | undefined;

  /** Makes the token; returns it for the start-up message. */
  open(): string {
    const token = newSetupToken();
    this.#digest = Buffer.from(secretDigest(token), 'hex');
    return token;
  }

  get isOpen(): boolean {
    return this.#digest !== undefined;
  }

  matches(token: string): boolean {
    if (this.#digest === undefined) return false;
    return timingSafeEqual(this.#digest, Buffer.from(secretDigest(token), 'hex'));
  }

  close(): void {
    this.#digest = undefined;
  }
}

export const adminlessProblem = {
  done: 'the setup is done: an admin account exists; sign in instead',
  wrongToken:
    'the setup token is wrong or used: take the setup URL from the server log (a restart prints a new one)',
};
