import { describe, expect, it } from 'vitest';
import { notificationSchema } from '../preload/bridge-contract.ts';
import { showNotification, type NotificationApi } from './notifications.ts';

/** A stand-in for Electron's Notification class that records what was shown. */
function fakeNotifications(supported = true, failOnShow = false) {
  const shown: { title: string; body: string }[] = [];
  const clicks: (() => void)[] = [];
  const api: NotificationApi = {
    isSupported: () => supported,
    create: (options) => ({
      show: () => {
        if (failOnShow) throw new Error('no notification daemon');
        shown.push(options);
      },
      on: (_event, listener) => clicks.push(listener),
    }),
  };
  return { api, shown, clicks };
}

describe('showNotification (Electron Notification stand-in)', () => {
  it('shows the notification and focuses the console on click', () => {
    const { api, shown, clicks } = fakeNotifications();
    let focused = 0;
    const input = notificationSchema.parse({ title: ' checkout: error rate 12% ', body: 'since 03:12' });
    expect(showNotification(api, input, () => (focused += 1))).toEqual({ shown: true });
    expect(shown).toEqual([{ title: 'checkout: error rate 12%', body: 'since 03:12' }]);
    clicks[0]?.();
    expect(focused).toBe(1);
  });

  it('says why when the OS cannot show it', () => {
    const input = { title: 't', body: '' };
    expect(showNotification(fakeNotifications(false).api, input, () => undefined)).toEqual({
      shown: false,
      reason: 'this system does not support notifications',
    });
    expect(showNotification(fakeNotifications(true, true).api, input, () => undefined)).toEqual({
      shown: false,
      reason: 'the notification could not be shown (no notification daemon)',
    });
  });
});

describe('notificationSchema', () => {
  it('bounds title and body and refuses control characters except line breaks in the body', () => {
    expect(notificationSchema.parse({ title: 'Alert' })).toEqual({ title: 'Alert', body: '' });
    expect(notificationSchema.parse({ title: 'A', body: 'line 1\nline 2' }).body).toBe('line 1\nline 2');
    for (const bad of [
      { title: '' },
      { title: 'x'.repeat(121) },
      { title: 'a\u001b[31mred' },
      { title: 'A', body: 'x'.repeat(1001) },
      { title: 'A', body: 'bell\u0007' },
      { title: 'A', icon: 'file:///etc/passwd' },
      { title: 42 },
    ])
      expect(notificationSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
