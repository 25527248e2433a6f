import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './passwords.ts';

// Cheap parameters keep the unit tests fast; the format and the checks are the same as the default's.
const fast = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('stores scrypt with its parameters and a per-password salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery', fast);
    const b = await hashPassword('correct horse battery', fast);
    expect(a).toMatch(/^scrypt\$1024,8,1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse battery');
    await expect(verifyPassword('correct horse battery', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', a)).resolves.toBe(false);
    await expect(verifyPassword('', a)).resolves.toBe(false);
  });

  it('uses the parameters stored with the hash, and never matches a malformed or absurd one', async () => {
    const stored = await hashPassword('another long password', { N: 2048, r: 4, p: 2 });
    await expect(verifyPassword('another long password', stored)).resolves.toBe(true);
    expect(needsRehash(stored)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(12)))).toBe(false);
    await expect(verifyPassword('x', 'plain')).resolves.toBe(false);
    await expect(verifyPassword('x', stored.replace('2048', '1000'))).resolves.toBe(false);
    await expect(verifyPassword('x', stored.replace('2048', String(2 ** 24)))).resolves.toBe(false);
  });

  it('treats canonically equal Unicode spellings as one password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait 2024', fast);
    await expect(verifyPassword('cafe\u0301 au lait 2024', stored)).resolves.toBe(true);
  });
});
