import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ipcChannels } from '../preload/bridge.ts';
import { bridgeHandlers } from './bridge-handlers.ts';
import { openConnectionStore } from './connections.ts';
import { createCredentialVault, type SafeStorageLike } from './credentials.ts';
import { ipcHandler, registerIpcHandlers, type IpcMainLike, type IpcSenderEvent } from './ipc.ts';
import { createTraceFiles } from './trace-files.ts';

const appUrl = 'file:///opt/APO/resources/app/out/renderer/index.html';
const consolePage: IpcSenderEvent = { senderFrame: { url: `${appUrl}#/traces`, parent: null } };

/** A stand-in for ipcMain: records handlers and calls them the way ipcRenderer.invoke would. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = { handle: (channel, listener) => handlers.set(channel, listener) };
  const invoke = async (event: IpcSenderEvent, channel: string, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return await handler(event, ...args);
  };
  return { ipcMain, invoke, channels: () => [...handlers.keys()] };
}

describe('registerIpcHandlers (ipcMain stand-in)', () => {
  const echo = { 'test:echo': ipcHandler(z.tuple([z.string().max(5)]), ([text]) => text.toUpperCase()) };

  it('answers the console page with parsed arguments', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    registerIpcHandlers(ipcMain, appUrl, echo);
    await expect(invoke(consolePage, 'test:echo', 'hi')).resolves.toBe('HI');
  });

  it.each([
    [
      'another file page',
      { senderFrame: { url: 'file:///tmp/evil.html', parent: null } },
      '"file:///tmp/evil.html"',
    ],
    [
      'a web page the window was navigated to',
      { senderFrame: { url: 'https://evil.example.com/', parent: null } },
      'evil',
    ],
    ['an iframe inside the console', { senderFrame: { url: appUrl, parent: {} } }, 'is not the console'],
    ['a destroyed frame', { senderFrame: null }, '"(gone)"'],
  ])('refuses %s, naming the sender', async (_what, event: IpcSenderEvent, expected) => {
    const { ipcMain, invoke } = fakeIpcMain();
    registerIpcHandlers(ipcMain, appUrl, echo);
    const call = invoke(event, 'test:echo', 'hi');
    await expect(call).rejects.toThrow('IPC test:echo refused: the sender');
    await expect(call).rejects.toThrow(expected);
  });

  it('refuses bad arguments with the argument and the problem, before the handler runs', async () => {
    const { ipcMain, invoke } = fakeIpcMain();
    registerIpcHandlers(ipcMain, appUrl, echo);
    await expect(invoke(consolePage, 'test:echo', 'too long')).rejects.toThrow(
      'IPC test:echo refused: bad arguments: argument 1: Too big',
    );
    await expect(invoke(consolePage, 'test:echo', 'a', 'extra')).rejects.toThrow('bad arguments');
    await expect(invoke(consolePage, 'test:echo')).rejects.toThrow('bad arguments');
  });
});

describe('bridge handlers behind the checks (ipcMain, safeStorage and Notification stand-ins)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apo-ipc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function setup(keyStore: boolean) {
    const warn = () => undefined;
    const safeStorage: SafeStorageLike = {
      isAsyncEncryptionAvailable: () => Promise.resolve(keyStore),
      encryptStringAsync: (plain) => Promise.resolve(Buffer.from(plain).reverse()),
      decryptStringAsync: (encrypted) =>
        Promise.resolve({ shouldReEncrypt: false, result: Buffer.from(encrypted).reverse().toString() }),
      getSelectedStorageBackend: () => 'kwallet6',
    };
    const vault = createCredentialVault({ safeStorage, platform: 'linux', file: join(dir, 'c.json'), warn });
    const connections = await openConnectionStore({
      file: join(dir, 'connections.json'),
      defaultServerUrl: 'http://127.0.0.1:3300',
      forgetCredential: (id) => vault.remove(id),
      warn,
      newId: (() => {
        let n = 0;
        return () => `c${++n}`;
      })(),
    });
    const shown: string[] = [];
    let readyCalls = 0;
    const { ipcMain, invoke, channels } = fakeIpcMain();
    registerIpcHandlers(
      ipcMain,
      appUrl,
      bridgeHandlers({
        connections,
        vault,
        notifications: {
          isSupported: () => true,
          create: (options) => ({ show: () => shown.push(options.title), on: () => undefined }),
        },
        // The user cancels the Open dialog: no file is chosen, so none can be read.
        traceFiles: createTraceFiles({
          showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
          send: () => undefined,
        }),
        focusWindow: () => undefined,
        deepLinksReady: () => (readyCalls += 1),
        pageOrigins: () => ['http://127.0.0.1:3300'],
      }),
    );
    return {
      call: (channel: string, ...args: unknown[]) => invoke(consolePage, channel, ...args),
      shown,
      channels,
      ready: () => readyCalls,
    };
  }

  it('registers a handler for every bridge channel', async () => {
    const { channels } = await setup(true);
    expect(channels().sort()).toEqual(Object.values(ipcChannels).sort());
  });

  it('manages connections and tells when the page must reload to reach a new origin', async () => {
    const { call } = await setup(true);
    await expect(call(ipcChannels.getServerUrl)).resolves.toBe('http://127.0.0.1:3300');
    const added = await call(ipcChannels.addConnection, {
      name: 'Prod',
      url: 'https://apo.example.com/',
      credentialKind: 'token',
    });
    expect(added).toEqual({
      connection: { id: 'c2', name: 'Prod', url: 'https://apo.example.com', credentialKind: 'token' },
      reloadNeeded: true,
    });
    await expect(call(ipcChannels.updateConnection, 'c1', { name: 'Laptop' })).resolves.toMatchObject({
      reloadNeeded: false,
    });
    await call(ipcChannels.selectConnection, 'c2');
    await expect(call(ipcChannels.getServerUrl)).resolves.toBe('https://apo.example.com');
    await expect(call(ipcChannels.removeConnection, 'c2')).resolves.toMatchObject({ activeId: 'c1' });
  });

  it.each([
    [
      ipcChannels.addConnection,
      [{ name: 'x', url: 'javascript:alert(1)', credentialKind: 'none' }],
      'argument 1.url: must be an http:// or https:// URL',
    ],
    [
      ipcChannels.addConnection,
      [{ name: 'x', url: 'http://h', credentialKind: 'root' }],
      'argument 1.credentialKind',
    ],
    [ipcChannels.updateConnection, ['../../etc', { name: 'x' }], 'argument 1: must be a connection id'],
    [ipcChannels.saveCredential, ['c1', 'x'.repeat(9000)], 'argument 2: must be at most 8192 characters'],
    [ipcChannels.notify, [{ title: '', body: 'b' }], 'argument 1.title: must not be empty'],
    [ipcChannels.listConnections, ['unexpected'], 'bad arguments: expected at most 0 arguments, got 1'],
    [ipcChannels.updateConnection, ['c1', { name: 'x', id: 'c9' }], 'Unrecognized key: "id"'],
    [ipcChannels.saveCredential, ['c1'], 'bad arguments: expected at least 2 arguments, got 1'],
    [ipcChannels.notify, ['just a string'], 'argument 1'],
  ])('refuses %s with bad arguments, saying which', async (channel, args, message) => {
    const { call } = await setup(true);
    await expect(call(channel, ...args)).rejects.toThrow(message);
  });

  it('refuses credentials for a connection that does not exist', async () => {
    const { call } = await setup(true);
    await expect(call(ipcChannels.saveCredential, 'nope', 'tok')).rejects.toThrow(
      'no connection with id "nope"',
    );
  });

  it('stores a token when there is a key store, and says why not when there is none', async () => {
    const withStore = await setup(true);
    await expect(withStore.call(ipcChannels.saveCredential, 'c1', 'tok')).resolves.toEqual({
      persisted: true,
    });
    await expect(withStore.call(ipcChannels.getCredential, 'c1')).resolves.toBe('tok');

    const without = await setup(false);
    await expect(without.call(ipcChannels.getKeyStoreStatus)).resolves.toMatchObject({ available: false });
    const saved = await without.call(ipcChannels.saveCredential, 'c1', 'tok2');
    expect(saved).toMatchObject({
      persisted: false,
      reason: expect.stringContaining('until you close the app') as unknown,
    });
    await expect(without.call(ipcChannels.getCredential, 'c1')).resolves.toBe('tok2');
    await without.call(ipcChannels.removeCredential, 'c1');
    await expect(without.call(ipcChannels.getCredential, 'c1')).resolves.toBeNull();
  });

  it('shows notifications and releases held deep links', async () => {
    const { call, shown, ready } = await setup(true);
    await expect(call(ipcChannels.notify, { title: 'checkout is failing' })).resolves.toEqual({
      shown: true,
    });
    expect(shown).toEqual(['checkout is failing']);
    await call(ipcChannels.deepLinksReady);
    expect(ready()).toBe(1);
  });

  it('reads no trace file but the one chosen in the Open dialog, and checks the range', async () => {
    const { call } = await setup(true);
    await expect(call(ipcChannels.readTraceFile, '/etc/passwd', 0, 10)).rejects.toThrow(
      'IPC apo:trace-file:read refused: bad arguments: argument 1: must be the id of the chosen trace file',
    );
    await expect(
      call(ipcChannels.readTraceFile, '0b6a3b7e-5d1c-4b0e-9f0e-2f5b8c1d7a10', -1, 10),
    ).rejects.toThrow('argument 2: Too small: expected number to be >=0');
    await expect(
      call(ipcChannels.readTraceFile, '0b6a3b7e-5d1c-4b0e-9f0e-2f5b8c1d7a10', 0, 64 << 20),
    ).rejects.toThrow('argument 3: must be at most 8388608 bytes');
    await expect(
      call(ipcChannels.readTraceFile, '0b6a3b7e-5d1c-4b0e-9f0e-2f5b8c1d7a10', 0, 10),
    ).rejects.toThrow('that trace file was not chosen in the Open dialog');
  });
});
