import type { ApoBridge } from '../../preload/bridge.ts';
import { createWebBridge, type WebNotifications } from './web-bridge.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a plain browser. */
    apoBridge?: ApoBridge;
  }
}

// One web bridge per page: it holds the tab's in-memory token.
let webBridge: ApoBridge | undefined;

/** The one way the renderer reaches the OS side, whichever shell it runs in. See preload/bridge.ts for the API. */
export function getBridge(): ApoBridge {
  return window.apoBridge ?? (webBridge ??= createWebBridge(window.location, browserNotifications()));
}

/** The page's Web Notification API, or undefined where there is none (insecure origin, old browser). */
function browserNotifications(): WebNotifications | undefined {
  if (typeof Notification === 'undefined') return undefined;
  return {
    permission: () => Notification.permission,
    requestPermission: () => Notification.requestPermission(),
    show: (title, body) => {
      // The Notification object shows itself on construction; nothing else needs it.
      new Notification(title, { body });
    },
  };
}
