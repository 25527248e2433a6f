/**
 * Native notifications for the renderer (alerts firing while the console is in the background). Title and
 * body were parsed and bounded by the IPC layer; this module only decides whether the OS can show one.
 */
import type { NotificationResult } from '../preload/bridge-contract.ts';
import { describeError } from './settings-file.ts';

/** The part of Electron's Notification class used here (a stand-in in tests). */
export interface NotificationApi {
  isSupported(): boolean;
  create(options: { title: string; body: string }): {
    show(): void;
    on(event: 'click', listener: () => void): unknown;
  };
}

export function showNotification(
  api: NotificationApi,
  input: { title: string; body: string },
  /** A click brings the console forward: the user wants to see what the notification was about. */
  onClick: () => void,
): NotificationResult {
  if (!api.isSupported()) return { shown: false, reason: 'this system does not support notifications' };
  try {
    const notification = api.create({ title: input.title, body: input.body });
    notification.on('click', onClick);
    notification.show();
    return { shown: true };
  } catch (err) {
    return { shown: false, reason: `the notification could not be shown (${describeError(err)})` };
  }
}
