import type { ApoBridge } from '../../preload/bridge.ts';
import { createWebBridge } from './web-bridge.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser. */
    apoBridge?: ApoBridge;
  }
}

/** The one way the renderer reaches the OS side, whichever shell it runs in. */
export function getBridge(): ApoBridge {
  return window.apoBridge ?? createWebBridge(window.location);
}
