/**
 * A click on the "C'est votre tour" notification (shown through the worker's registration by the page,
 * src/element/turn-notice/) brings the pupil back to the tab that waited: the one whose URL the
 * notification carries, else any tab of the ENT, else a new one at that URL.
 */

/** The tag of the "your turn" notification: one per browser, a second one replaces the first. */
export const TURN_TAG = 'antichambre-turn';

/** The parts of the worker's `clients` used here (the project's TypeScript lib is DOM, not WebWorker). */
export interface WindowClients {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly { url: string; focus(): Promise<unknown> }[]>;
  openWindow(url: string): Promise<unknown>;
}

export interface NotificationClickEvent {
  notification: { tag: string; data: unknown; close(): void };
  waitUntil(promise: Promise<unknown>): void;
}

export function focusTab(event: NotificationClickEvent, clients: WindowClients): void {
  const { notification } = event;
  if (notification.tag !== TURN_TAG) return; // the ENT's own notifications are the ENT's business
  notification.close();
  const url = (notification.data as { url?: unknown } | null)?.url;
  event.waitUntil(
    clients.matchAll({ type: 'window', includeUncontrolled: true }).then((tabs) => {
      const tab = tabs.find((t) => t.url === url) ?? tabs[0];
      if (tab) return tab.focus();
      return typeof url === 'string' ? clients.openWindow(url) : undefined;
    }),
  );
}
