import { describe, expect, it } from 'vitest';
import {
  createWebBridge,
  DEFAULT_SERVER_URL,
  resolveServerUrl,
  WEB_CONNECTION_ID,
  type WebNotificationPermission,
  type WebNotifications,
} from './web-bridge.ts';

const page = (href: string) => {
  const url = new URL(href);
  return { search: url.search, origin: url.origin, protocol: url.protocol };
};

describe('web bridge server URL', () => {
  it('uses ?server= first, without a trailing slash', () => {
    expect(resolveServerUrl(page('http://127.0.0.1:5173/?server=http://10.0.0.5:3300/'))).toEqual({
      url: 'http://10.0.0.5:3300',
      source: 'query',
    });
  });

  it('keeps a path prefix from ?server= (a server behind a reverse proxy) and drops its query and hash', () => {
    expect(
      resolveServerUrl(
        page(
          'https://console.example.com/?server=' + encodeURIComponent('https://gw.example.com/apo/?x=1#y'),
        ),
      ).url,
    ).toBe('https://gw.example.com/apo');
  });

  it('falls back to the page origin when there is no ?server=', () => {
    expect(resolveServerUrl(page('http://apo.internal:3300/services?tab=1'))).toEqual({
      url: 'http://apo.internal:3300',
      source: 'same-origin',
    });
    expect(resolveServerUrl(page('http://localhost:5173/?server='))).toEqual({
      url: 'http://localhost:5173',
      source: 'same-origin',
    });
  });

  it('falls back to the local default when the page has no http origin (file://)', () => {
    expect(resolveServerUrl({ search: '', origin: 'null', protocol: 'file:' })).toEqual({
      url: DEFAULT_SERVER_URL,
      source: 'default',
    });
    expect(DEFAULT_SERVER_URL).toBe('http://127.0.0.1:3300');
  });

  it.each(['127.0.0.1:3300', 'javascript:alert(1)', 'ftp://host/'])(
    'rejects ?server=%s, quoting it',
    (bad) => {
      expect(() => resolveServerUrl(page(`http://localhost/?server=${encodeURIComponent(bad)}`))).toThrow(
        `?server= must be an http:// or https:// URL (got ${JSON.stringify(bad)})`,
      );
    },
  );

  it('exposes the same shape as the Electron bridge, with platform "web"', async () => {
    const bridge = createWebBridge(page('http://localhost:5173/?server=http://127.0.0.1:4000'));
    expect(bridge.platform).toBe('web');
    await expect(bridge.getServerUrl()).resolves.toBe('http://127.0.0.1:4000');
    await expect(createWebBridge(page('http://localhost/?server=nope')).getServerUrl()).rejects.toThrow(
      '?server= must be',
    );
  });
});

/** A stand-in for the Web Notification API with a given permission and the user's answer to the prompt. */
function fakeNotifications(
  permission: WebNotificationPermission,
  answer: WebNotificationPermission = permission,
) {
  const shown: [string, string][] = [];
  let current = permission;
  const api: WebNotifications = {
    permission: () => current,
    requestPermission: () => {
      current = answer;
      return Promise.resolve(answer);
    },
    show: (title, body) => shown.push([title, body]),
  };
  return { api, shown };
}

describe('web bridge fallback', () => {
  it('has one connection: the server that served the page, with its cookie session', async () => {
    const bridge = createWebBridge(page('https://apo.example.com/traces?from=now-1h'));
    const list = {
      connections: [
        {
          id: WEB_CONNECTION_ID,
          name: 'apo.example.com',
          url: 'https://apo.example.com',
          credentialKind: 'cookie',
        },
      ],
      activeId: WEB_CONNECTION_ID,
    };
    await expect(bridge.listConnections()).resolves.toEqual(list);
    await expect(bridge.selectConnection(WEB_CONNECTION_ID)).resolves.toEqual(list);
    await expect(bridge.selectConnection('other')).rejects.toThrow('no connection with id "other"');
  });

  it('refuses to manage servers, saying what to do instead', async () => {
    const bridge = createWebBridge(page('https://apo.example.com/'));
    await expect(
      bridge.addConnection({ name: 'x', url: 'https://x', credentialKind: 'token' }),
    ).rejects.toThrow('open the other server’s console URL');
    await expect(bridge.updateConnection(WEB_CONNECTION_ID, { name: 'y' })).rejects.toThrow('in a browser');
    await expect(bridge.removeConnection(WEB_CONNECTION_ID)).rejects.toThrow('in a browser');
  });

  it('stores no tokens: the key store is absent and a given token lasts only for the tab', async () => {
    const bridge = createWebBridge(page('https://apo.example.com/'));
    await expect(bridge.getKeyStoreStatus()).resolves.toMatchObject({
      available: false,
      reason: expect.stringContaining('session cookie') as unknown,
    });
    await expect(bridge.saveCredential(WEB_CONNECTION_ID, 'tok')).resolves.toMatchObject({
      persisted: false,
    });
    await expect(bridge.getCredential(WEB_CONNECTION_ID)).resolves.toBe('tok');
    await bridge.removeCredential(WEB_CONNECTION_ID);
    await expect(bridge.getCredential(WEB_CONNECTION_ID)).resolves.toBeNull();
    await expect(
      createWebBridge(page('https://apo.example.com/')).getCredential(WEB_CONNECTION_ID),
    ).resolves.toBeNull();
  });

  it('notifies through the Web Notification API, asking once, and says why when it cannot', async () => {
    const granted = fakeNotifications('granted');
    await expect(
      createWebBridge(page('http://h/'), granted.api).notify({ title: 'Alert', body: 'b' }),
    ).resolves.toEqual({ shown: true });
    expect(granted.shown).toEqual([['Alert', 'b']]);

    const asked = fakeNotifications('default', 'granted');
    await expect(createWebBridge(page('http://h/'), asked.api).notify({ title: 'A' })).resolves.toEqual({
      shown: true,
    });

    const refused = fakeNotifications('default', 'denied');
    await expect(createWebBridge(page('http://h/'), refused.api).notify({ title: 'A' })).resolves.toEqual({
      shown: false,
      reason: 'notifications are blocked for this site in the browser’s settings',
    });
    await expect(createWebBridge(page('http://h/')).notify({ title: 'A' })).resolves.toEqual({
      shown: false,
      reason: 'this browser does not support notifications',
    });
    await expect(createWebBridge(page('http://h/'), granted.api).notify({ title: '' })).rejects.toThrow(
      'notification refused: title: must not be empty',
    );
  });

  it('has no deep links or menu in a browser: subscriptions are inert', () => {
    const bridge = createWebBridge(page('http://h/'));
    const stop = bridge.onDeepLink(() => {
      throw new Error('never called');
    });
    expect(typeof stop).toBe('function');
    stop();
    bridge.onMenuCommand(() => undefined)();
  });
});
