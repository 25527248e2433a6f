import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge.ts';

// Sandboxed preload: only `electron`'s renderer modules and a limited `process` exist here. The renderer
// gets plain functions, never ipcRenderer itself, so it cannot send on arbitrary channels.
contextBridge.exposeInMainWorld(
  'apoBridge',
  createBridge((channel, ...args) => ipcRenderer.invoke(channel, ...args), process.platform),
);
