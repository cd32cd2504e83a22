/**
 * What the tabs of one ENT tell each other in session mode, over a BroadcastChannel named after the
 * endpoint and room: "the pupil did something at t" (so activity in any tab counts for all) and "the
 * seat was released" (so every tab ends at once). Timestamps are wall-clock ms, which all tabs share.
 */
import type { ReleaseReason } from './idle.js';

export type TabMessage = { type: 'activity'; at: number } | { type: 'released'; reason: ReleaseReason };

export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/** The minimal BroadcastChannel we use; Node and every browser since 2022 have one. */
export interface BroadcastLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export const tabChannelName = (endpoint: string, room: string): string => `antichambre:${endpoint.replace(/\/+$/, '')}|${room}`;

const REASONS: readonly unknown[] = ['idle', 'logout', 'expired'];

/** Other pages of the origin share the channel: anything malformed is ignored, never trusted. */
export function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === 'activity') return typeof message.at === 'number' && Number.isFinite(message.at);
  return message.type === 'released' && REASONS.includes(message.reason);
}

/** Without BroadcastChannel the tab simply works alone: each tab's own activity still counts. */
export function openTabChannel(
  name: string,
  onMessage: (message: TabMessage) => void,
  create: (name: string) => BroadcastLike | null = (n) => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(n) : null),
): TabChannel {
  const channel = create(name);
  if (channel) channel.onmessage = (event) => isTabMessage(event.data) && onMessage(event.data);
  return {
    post: (message) => channel?.postMessage(message),
    close: () => {
      if (channel) channel.onmessage = null;
      channel?.close();
    },
  };
}
