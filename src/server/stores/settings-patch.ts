/** Turns an admin's room config (protocol v1) into store settings, the same way for every store. */
import type { RoomConfig } from '../../core/protocol/protocol.js';
import type { RoomSettings } from './store.js';

/** Absent fields keep their value (`{capacity: undefined}` must not erase it); `opensAt: null` removes the schedule. */
export function settingsPatch(patch: RoomConfig): Partial<RoomSettings> {
  const settings: Partial<RoomSettings> = {};
  if (patch.capacity !== undefined) settings.capacity = patch.capacity;
  if (patch.admitPerMinute !== undefined) settings.admitPerMinute = patch.admitPerMinute;
  if (patch.open !== undefined) settings.open = patch.open;
  if (patch.opensAt !== undefined) settings.opensAt = patch.opensAt === null ? null : Date.parse(patch.opensAt);
  if (patch.lanes !== undefined) settings.lanes = patch.lanes;
  return settings;
}

/** True while a scheduled opening is still ahead: nobody is admitted and newcomers join the pre-queue. */
export function beforeOpening(settings: RoomSettings, now: number): boolean {
  return settings.opensAt !== undefined && settings.opensAt !== null && now < settings.opensAt;
}
