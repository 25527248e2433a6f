import { z } from 'zod';
import { ROLES } from './roles.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.ts';

/** Inputs shared by the auth, users and API-key procedures; every one bounded. */
export const usernameInput = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
    'letters, digits and . _ @ - only, starting with a letter or digit',
  );

export const displayNameInput = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters');

/** A new password: long enough to resist guessing; the upper bound keeps scrypt's input small. */
export const newPasswordInput = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

/** A password being checked: any length the store could hold, no minimum (older rules may have allowed less). */
export const passwordInput = z.string().min(1, 'must not be empty').max(MAX_PASSWORD_LENGTH);

export const roleInput = z.enum(ROLES);

/** Ids of sessions and API keys (auth/secrets.ts newId). */
export const idInput = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'an id');
