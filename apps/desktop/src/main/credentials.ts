/**
 * Tokens per server connection, encrypted with Electron's safeStorage (Keychain, DPAPI, libsecret/KWallet)
 * and kept as ciphertext in credentials.json. Where the OS has no key store, safeStorage would "encrypt"
 * with a key stored beside the data (Linux `basic_text`), which is plain text with extra steps: the vault
 * then refuses to write the token anywhere, keeps it in memory for this run, and says so in words the UI
 * shows the user.
 */
import { z } from 'zod';
import type { CredentialSaveResult, KeyStoreStatus } from '../preload/bridge-contract.ts';
import { describeError, readSettingsFile, serialisedWriter, type Warn } from './settings-file.ts';

/** The part of Electron's `safeStorage` the vault uses (a stand-in in tests). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only: which secret store Chromium picked; `basic_text` means none. */
  getSelectedStorageBackend(): string;
}

export interface CredentialVaultOptions {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  /** credentials.json under userData. */
  file: string;
  warn: Warn;
}

export interface CredentialVault {
  status(): Promise<KeyStoreStatus>;
  save(connectionId: string, token: string): Promise<CredentialSaveResult>;
  get(connectionId: string): Promise<string | null>;
  remove(connectionId: string): Promise<void>;
}

const credentialsFileSchema = z.object({
  version: z.literal(1),
  /** connection id → base64 of safeStorage's ciphertext. */
  tokens: z.record(z.string(), z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)),
});
type CredentialsFile = z.infer<typeof credentialsFileSchema>;
const emptyFile = (): CredentialsFile => ({ version: 1, tokens: {} });

const MEMORY_ONLY = 'the token is kept in memory only: the session will last until you close the app';

export async function keyStoreStatus(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): Promise<KeyStoreStatus> {
  let available: boolean;
  try {
    available = await safeStorage.isAsyncEncryptionAvailable();
  } catch (err) {
    return { available: false, reason: `the OS key store failed to start (${describeError(err)})` };
  }
  if (!available) return { available: false, reason: 'this system has no key store available to APO' };
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text' || backend === 'unknown') {
      return {
        available: false,
        reason: `this system has no key store (no Secret Service or KWallet found; Electron would fall back to "${backend}", plain text on disk)`,
      };
    }
  }
  return { available: true };
}

export function createCredentialVault(options: CredentialVaultOptions): CredentialVault {
  const { safeStorage, platform, file, warn } = options;
  // Memory is the source of truth for this run: tokens saved while the key store was missing live here only.
  const memory = new Map<string, string>();
  const write = serialisedWriter(file, warn);
  let statusPromise: Promise<KeyStoreStatus> | undefined;
  let filePromise: Promise<CredentialsFile> | undefined;

  const status = () => (statusPromise ??= keyStoreStatus(safeStorage, platform));
  const stored = () => (filePromise ??= readSettingsFile(file, credentialsFileSchema, emptyFile, warn));

  async function persist(change: (tokens: Record<string, string>) => Record<string, string>): Promise<void> {
    const tokens = change((await stored()).tokens);
    const next: CredentialsFile = { version: 1, tokens };
    filePromise = Promise.resolve(next);
    await write(next);
  }

  async function save(connectionId: string, token: string): Promise<CredentialSaveResult> {
    memory.set(connectionId, token);
    const keyStore = await status();
    if (!keyStore.available) {
      // A token from an earlier run must not outlive the new one the user just typed.
      await removeStored(connectionId);
      return { persisted: false, reason: `${keyStore.reason}; ${MEMORY_ONLY}` };
    }
    try {
      const encrypted = await safeStorage.encryptStringAsync(token);
      await persist((tokens) => ({ ...tokens, [connectionId]: encrypted.toString('base64') }));
      return { persisted: true };
    } catch (err) {
      return {
        persisted: false,
        reason: `the token could not be saved (${describeError(err)}); ${MEMORY_ONLY}`,
      };
    }
  }

  async function get(connectionId: string): Promise<string | null> {
    const remembered = memory.get(connectionId);
    if (remembered !== undefined) return remembered;
    const ciphertext = (await stored()).tokens[connectionId];
    if (ciphertext === undefined || !(await status()).available) return null;
    try {
      const decrypted = await safeStorage.decryptStringAsync(Buffer.from(ciphertext, 'base64'));
      memory.set(connectionId, decrypted.result);
      if (decrypted.shouldReEncrypt) await save(connectionId, decrypted.result);
      return decrypted.result;
    } catch (err) {
      // The key changed (new OS profile, restored backup): the token is unrecoverable, so the user signs in again.
      warn(
        `the saved token for connection ${connectionId} cannot be decrypted (${describeError(err)}); it is forgotten`,
      );
      await removeStored(connectionId);
      return null;
    }
  }

  async function removeStored(connectionId: string): Promise<void> {
    if ((await stored()).tokens[connectionId] === undefined) return;
    await persist((tokens) =>
      Object.fromEntries(Object.entries(tokens).filter(([id]) => id !== connectionId)),
    );
  }

  async function remove(connectionId: string): Promise<void> {
    memory.delete(connectionId);
    await removeStored(connectionId);
  }

  return { status, save, get, remove };
}
