/**
 * A BroadcastChannel between the tabs of one ENT, named after the endpoint and room, that lets through
 * only the messages its owner recognises (other scripts of the origin may post on it too). Used by the
 * waiting room (shared-waiting-room.ts) and by session mode (tabs.ts).
 */
import { endpointBase } from '../protocol/queue-endpoint.js';

export interface TabChannel<T> {
  post(message: T): void;
  close(): void;
}

/** The minimal BroadcastChannel we use; Node and every browser since 2022 have one. */
export interface BroadcastLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export type CreateBroadcast = (name: string) => BroadcastLike | null;

export const tabChannelName = (endpoint: string, room: string): string => `antichambre:${endpointBase(endpoint)}|${room}`;

/** Without BroadcastChannel (`create` gives null) the tab simply works alone. */
export function openChannel<T>(
  name: string,
  accept: (value: unknown) => value is T,
  onMessage: (message: T) => void,
  create: CreateBroadcast = (n) => (typeof BroadcastChannel === 'function' ? new BroadcastChannel(n) : null),
): TabChannel<T> {
  const channel = create(name);
  if (channel) channel.onmessage = (event) => accept(event.data) && onMessage(event.data);
  return {
    post: (message) => channel?.postMessage(message),
    // A closed channel delivers nothing more: no need to unset onmessage.
    close: () => channel?.close(),
  };
}
