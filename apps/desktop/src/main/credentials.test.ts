import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCredentialVault, keyStoreStatus, type SafeStorageLike } from './credentials.ts';

/** A stand-in for Electron's safeStorage: "encrypts" by hex-encoding and tagging, so ciphertext is checkable. */
function fakeSafeStorage(overrides: Partial<SafeStorageLike> & { backend?: string } = {}): SafeStorageLike {
  return {
    isAsyncEncryptionAvailable: () => Promise.resolve(true),
    encryptStringAsync: (plain) => Promise.resolve(Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`)),
    decryptStringAsync: (encrypted) => {
      const text = encrypted.toString();
      if (!text.startsWith('enc:')) return Promise.reject(new Error('bad key'));
      return Promise.resolve({
        shouldReEncrypt: false,
        result: Buffer.from(text.slice(4), 'hex').toString(),
      });
    },
    getSelectedStorageBackend: () => overrides.backend ?? 'gnome_libsecret',
    ...overrides,
  };
}

let dir: string;
let file: string;
let warnings: string[];
const warn = (message: string) => warnings.push(message);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-credentials-'));
  file = join(dir, 'credentials.json');
  warnings = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('keyStoreStatus (safeStorage stand-in)', () => {
  it('is available with a real key store on each platform', async () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const)
      await expect(keyStoreStatus(fakeSafeStorage(), platform)).resolves.toEqual({ available: true });
  });

  it('is unavailable when safeStorage says so, or when it throws', async () => {
    const off = fakeSafeStorage({ isAsyncEncryptionAvailable: () => Promise.resolve(false) });
    await expect(keyStoreStatus(off, 'darwin')).resolves.toEqual({
      available: false,
      reason: 'this system has no key store available to APO',
    });
    const broken = fakeSafeStorage({
      isAsyncEncryptionAvailable: () => Promise.reject(new Error('dbus down')),
    });
    await expect(keyStoreStatus(broken, 'linux')).resolves.toMatchObject({
      available: false,
      reason: expect.stringContaining('dbus down') as unknown,
    });
  });

  it('treats Linux basic_text as no key store even though encryption "works"', async () => {
    const status = await keyStoreStatus(fakeSafeStorage({ backend: 'basic_text' }), 'linux');
    expect(status).toMatchObject({
      available: false,
      reason: expect.stringContaining('no key store') as unknown,
    });
    expect(status).toMatchObject({ reason: expect.stringContaining('basic_text') as unknown });
    // The backend question is Linux-only: elsewhere it is not asked.
    await expect(keyStoreStatus(fakeSafeStorage({ backend: 'basic_text' }), 'win32')).resolves.toEqual({
      available: true,
    });
  });
});

describe('createCredentialVault (safeStorage stand-in)', () => {
  it('stores only ciphertext on disk, and a new run reads the token back', async () => {
    const vault = createCredentialVault({ safeStorage: fakeSafeStorage(), platform: 'linux', file, warn });
    await expect(vault.save('c1', 'secret-token')).resolves.toEqual({ persisted: true });
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain('secret-token');
    const nextRun = createCredentialVault({ safeStorage: fakeSafeStorage(), platform: 'linux', file, warn });
    await expect(nextRun.get('c1')).resolves.toBe('secret-token');
    await expect(nextRun.get('other')).resolves.toBeNull();
  });

  it.each([
    ['encryption unavailable', fakeSafeStorage({ isAsyncEncryptionAvailable: () => Promise.resolve(false) })],
    ['Linux basic_text', fakeSafeStorage({ backend: 'basic_text' })],
  ])('with %s: refuses to write the token, keeps it in memory, and says why', async (_what, safeStorage) => {
    const vault = createCredentialVault({ safeStorage, platform: 'linux', file, warn });
    const result = await vault.save('c1', 'secret-token');
    expect(result).toMatchObject({ persisted: false });
    expect(result).toMatchObject({ reason: expect.stringContaining('no key store') as unknown });
    expect(result).toMatchObject({
      reason: expect.stringContaining('the session will last until you close the app') as unknown,
    });
    await expect(vault.get('c1')).resolves.toBe('secret-token');
    await expect(readFile(file, 'utf8')).rejects.toThrow('ENOENT');
    const nextRun = createCredentialVault({ safeStorage, platform: 'linux', file, warn });
    await expect(nextRun.get('c1')).resolves.toBeNull();
  });

  it('keeps the token in memory when encryption itself fails', async () => {
    const safeStorage = fakeSafeStorage({ encryptStringAsync: () => Promise.reject(new Error('locked')) });
    const vault = createCredentialVault({ safeStorage, platform: 'darwin', file, warn });
    await expect(vault.save('c1', 't')).resolves.toEqual({
      persisted: false,
      reason:
        'the token could not be saved (locked); the token is kept in memory only: the session will last until you close the app',
    });
    await expect(vault.get('c1')).resolves.toBe('t');
  });

  it('forgets a token the key can no longer decrypt, with a warning', async () => {
    await writeFile(
      file,
      JSON.stringify({ version: 1, tokens: { c1: Buffer.from('junk').toString('base64') } }),
    );
    const vault = createCredentialVault({ safeStorage: fakeSafeStorage(), platform: 'linux', file, warn });
    await expect(vault.get('c1')).resolves.toBeNull();
    expect(warnings[0]).toContain('cannot be decrypted');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, tokens: {} });
  });

  it('re-encrypts when safeStorage asks to (rotated key)', async () => {
    let encryptions = 0;
    const safeStorage = fakeSafeStorage({
      encryptStringAsync: (plain) => {
        encryptions += 1;
        return Promise.resolve(Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`));
      },
      decryptStringAsync: () => Promise.resolve({ shouldReEncrypt: true, result: 'tok' }),
    });
    await writeFile(file, JSON.stringify({ version: 1, tokens: { c1: 'AAAA' } }));
    const vault = createCredentialVault({ safeStorage, platform: 'win32', file, warn });
    await expect(vault.get('c1')).resolves.toBe('tok');
    expect(encryptions).toBe(1);
  });

  it('removes a token from memory and disk', async () => {
    const vault = createCredentialVault({ safeStorage: fakeSafeStorage(), platform: 'linux', file, warn });
    await vault.save('c1', 'a');
    await vault.save('c2', 'b');
    await vault.remove('c1');
    await expect(vault.get('c1')).resolves.toBeNull();
    const nextRun = createCredentialVault({ safeStorage: fakeSafeStorage(), platform: 'linux', file, warn });
    await expect(nextRun.get('c1')).resolves.toBeNull();
    await expect(nextRun.get('c2')).resolves.toBe('b');
  });

  it('reads a corrupt credentials file as empty, with a warning', async () => {
    await writeFile(file, '{"version":1,"tokens":{"c1":"not base64!"}}');
    const vault = createCredentialVault({ safeStorage: fakeSafeStorage(), platform: 'linux', file, warn });
    await expect(vault.get('c1')).resolves.toBeNull();
    expect(warnings[0]).toContain('using defaults');
  });
});
