/**
 * What the tabs of one ENT tell each other in session mode, over a BroadcastChannel named after the
 * endpoint and room: "the pupil did something at t" (so activity in any tab counts for all) and "the
 * seat was released" (so every tab ends at once). Timestamps are wall-clock ms, which all tabs share.
 * The channel itself is tab-channel.ts, which the waiting room shares (this file stays in the session chunk).
 */
import type { ReleaseReason } from './idle.js';
import { openChannel, type CreateBroadcast, type TabChannel as Channel } from '../wait/tab-channel.js';

export { tabChannelName, type BroadcastLike } from '../wait/tab-channel.js';

export type TabMessage = { type: 'activity'; at: number } | { type: 'released'; reason: ReleaseReason };

export type TabChannel = Channel<TabMessage>;

const REASONS: readonly unknown[] = ['idle', 'logout', 'expired'];

/** Other pages of the origin share the channel: anything malformed is ignored, never trusted. */
export function isTabMessage(value: unknown): value is TabMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  if (message.type === 'activity') return typeof message.at === 'number' && Number.isFinite(message.at);
  return message.type === 'released' && REASONS.includes(message.reason);
}

/** Without BroadcastChannel the tab simply works alone: each tab's own activity still counts. */
export const openTabChannel = (name: string, onMessage: (message: TabMessage) => void, create?: CreateBroadcast): TabChannel =>
  openChannel(name, isTabMessage, onMessage, create);
