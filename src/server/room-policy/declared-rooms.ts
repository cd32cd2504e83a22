/**
 * Puts the rooms of `--rooms FILE` to their declared settings when a server starts: the file is the
 * operator's source of truth, so a restart undoes what the admin API changed since (docs/integration.md).
 * A store that cannot answer now is no reason not to start: each declared room is also recreated from
 * its declaration whenever a store finds it missing (room-policy.ts).
 */
import type { ServerSettings } from '../config/settings.js';
import { declaredRoomConfig, declaredRoomSettings } from '../stores/room-policy.js';
import type { Store } from '../stores/store.js';

export async function applyDeclaredRooms(
  store: Store,
  settings: Pick<ServerSettings, 'declaredRooms' | 'capacity' | 'admitPerMinute'>,
  now: number,
  log: (line: string) => void = (line) => console.error(line),
): Promise<void> {
  if (settings.declaredRooms === undefined) return;
  const defaults = { capacity: settings.capacity, admitPerMinute: settings.admitPerMinute, open: true };
  const rooms = Object.entries(declaredRoomSettings(defaults, settings.declaredRooms));
  try {
    await Promise.all(rooms.map(([room, declared]) => store.configureRoom(room, declaredRoomConfig(declared), now)));
  } catch (error) {
    log(`antichambre: the declared rooms could not be applied now (${error instanceof Error ? error.message : String(error)}); each is recreated from its declaration when found missing.`);
  }
}
