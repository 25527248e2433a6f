import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

// Sandboxed preload: only `electron`'s renderer modules and a limited `process` exist here. The renderer
// gets plain functions, never ipcRenderer itself, so it cannot send or listen on arbitrary channels, and
// listeners never see the IPC event (which would expose the sender).
contextBridge.exposeInMainWorld(
  'apoBridge',
  createBridge(
    (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    process.platform,
    (channel, listener) => {
      const forward = (_event: unknown, payload: unknown) => {
        listener(payload);
      };
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    },
  ),
);
