import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DeepLink, MenuCommand } from './bridge-contract.ts';
import { createBridge, ipcChannels, ipcEvents, userMessage, type Invoke } from './bridge.ts';

/** Stand-ins for ipcRenderer.invoke / ipcRenderer.on: answers by channel, and lets a test emit events. */
function fakeIpc(answers: Record<string, unknown> = {}) {
  const calls: [string, unknown[]][] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const invoke: Invoke = (channel, ...args) => {
    calls.push([channel, args]);
    const answer = answers[channel];
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const subscribe = (channel: string, listener: (payload: unknown) => void) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => set.delete(listener);
  };
  const emit = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener(payload);
  };
  return { invoke, subscribe, emit, calls };
}

describe('createBridge (ipcRenderer stand-in)', () => {
  it('passes arguments through on the right channel and returns checked results', async () => {
    const list = {
      connections: [{ id: 'c1', name: 'Local', url: 'http://127.0.0.1:3300', credentialKind: 'none' }],
      activeId: 'c1',
    };
    const ipc = fakeIpc({
      [ipcChannels.listConnections]: list,
      [ipcChannels.selectConnection]: list,
      [ipcChannels.getServerUrl]: 'http://127.0.0.1:3300',
    });
    const bridge = createBridge(ipc.invoke, 'linux', ipc.subscribe);
    await expect(bridge.listConnections()).resolves.toEqual(list);
    await expect(bridge.selectConnection('c1')).resolves.toEqual(list);
    await expect(bridge.getServerUrl()).resolves.toBe('http://127.0.0.1:3300');
    expect(ipc.calls).toEqual([
      [ipcChannels.listConnections, []],
      [ipcChannels.selectConnection, ['c1']],
      [ipcChannels.getServerUrl, []],
    ]);
  });

  it('rejects a malformed answer instead of handing it to the renderer', async () => {
    const ipc = fakeIpc({
      [ipcChannels.getServerUrl]: 'javascript:alert(1)',
      [ipcChannels.listConnections]: { connections: [{ id: 'c1', url: 'file:///' }], activeId: 'c1' },
    });
    const bridge = createBridge(ipc.invoke, 'linux', ipc.subscribe);
    await expect(bridge.getServerUrl()).rejects.toThrow(
      `the main process answered ${ipcChannels.getServerUrl} with something unexpected: "javascript:alert(1)"`,
    );
    await expect(bridge.listConnections()).rejects.toThrow('something unexpected');
  });

  it("turns Electron's wrapped refusal into the sentence main wrote", async () => {
    const refusal = new Error(
      `Error invoking remote method '${ipcChannels.addConnection}': ConnectionError: a connection named "Prod" already exists`,
    );
    const ipc = fakeIpc({ [ipcChannels.addConnection]: refusal });
    const bridge = createBridge(ipc.invoke, 'linux', ipc.subscribe);
    await expect(
      bridge.addConnection({ name: 'Prod', url: 'http://h', credentialKind: 'none' }),
    ).rejects.toThrow(/^a connection named "Prod" already exists$/);
    expect(userMessage(new Error("Error invoking remote method 'x': Error: IPC x refused: bad"))).toBe(
      'IPC x refused: bad',
    );
  });

  it('delivers well-formed deep links and menu commands, drops malformed ones, and unsubscribes', () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc.invoke, 'darwin', ipc.subscribe);
    const links: DeepLink[] = [];
    const commands: MenuCommand[] = [];
    const stopLinks = bridge.onDeepLink((link) => links.push(link));
    bridge.onMenuCommand((command) => commands.push(command));
    expect(ipc.calls).toEqual([[ipcChannels.deepLinksReady, []]]);

    ipc.emit(ipcEvents.deepLink, { connectionId: 'c1', path: '/traces?x=1' });
    ipc.emit(ipcEvents.deepLink, { path: '//evil.example.com/' });
    ipc.emit(ipcEvents.deepLink, 'apo://x');
    ipc.emit(ipcEvents.menuCommand, { type: 'navigate', path: '/logs' });
    ipc.emit(ipcEvents.menuCommand, { type: 'command-palette' });
    ipc.emit(ipcEvents.menuCommand, { type: 'run', path: '/x' });
    const file = { id: 'f1', name: 'a.json', size: 12 };
    ipc.emit(ipcEvents.menuCommand, { type: 'open-trace-file', file });
    ipc.emit(ipcEvents.menuCommand, { type: 'open-trace-file', failed: { name: 'b.json', message: 'gone' } });
    ipc.emit(ipcEvents.menuCommand, {
      type: 'open-trace-file',
      file: { id: 'f2', name: 'c.json', size: -1 },
    });
    ipc.emit(ipcEvents.menuCommand, { type: 'open-trace-file' });
    stopLinks();
    ipc.emit(ipcEvents.deepLink, { path: '/alerts' });

    expect(links).toEqual([{ connectionId: 'c1', path: '/traces?x=1' }]);
    expect(commands).toEqual([
      { type: 'navigate', path: '/logs' },
      { type: 'command-palette' },
      { type: 'open-trace-file', file },
      { type: 'open-trace-file', failed: { name: 'b.json', message: 'gone' } },
    ]);
  });

  it('reads the chosen trace file through its channel and accepts only bytes back', async () => {
    const bytes = new Uint8Array([123, 125]);
    const good = fakeIpc({ [ipcChannels.readTraceFile]: bytes });
    await expect(createBridge(good.invoke, 'linux', good.subscribe).readTraceFile('f1', 0, 2)).resolves.toBe(
      bytes,
    );
    expect(good.calls).toEqual([[ipcChannels.readTraceFile, ['f1', 0, 2]]]);
    const bad = fakeIpc({ [ipcChannels.readTraceFile]: '{}' });
    await expect(createBridge(bad.invoke, 'linux', bad.subscribe).readTraceFile('f1', 0, 2)).rejects.toThrow(
      'the main process answered apo:trace-file:read with something unexpected: "{}"',
    );
  });
});

describe('the sandboxed preload bundle', () => {
  it('loads nothing from node_modules at run time: only electron and its own files (types aside)', () => {
    // electron-vite leaves dependencies external and a sandboxed preload cannot require them, so a value
    // import of zod (e.g. through bridge-contract.ts) would pass every test and break the packaged bridge.
    for (const file of ['./bridge.ts', './index.ts']) {
      const source = readFileSync(new URL(file, import.meta.url), 'utf8');
      const valueImports = [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)].map(
        (m) => m[1],
      );
      for (const specifier of valueImports)
        expect(['electron', './bridge.ts'], `${file} imports ${specifier}`).toContain(specifier);
    }
  });
});
