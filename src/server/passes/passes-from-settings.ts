/** The passes' state for one server: in memory, or in Redis beside the queue (every instance sees it). */
import type { ServerSettings } from '../config/settings.js';
import type { ScriptClient } from '../stores/lua-script.js';
import { MemoryPassKeyStore, RedisPassKeyStore, type PassKeyStore } from './pass-key-store.js';
import { PassKeyring, type PassKeyringOptions } from './pass-keyring.js';
import { MemoryPassSubjects, RedisPassSubjects } from './pass-subjects.js';
import type { Passes } from './place-by-pass.js';

type PassSettings = Pick<ServerSettings, 'waitingTtlSeconds' | 'maxSessionSeconds' | 'admitGraceSeconds' | 'declaredRooms'>;

/** A subject's record outlives any ticket: a full wait, the grace, then a whole session. */
const subjectTtlMs = (settings: PassSettings): number => (settings.waitingTtlSeconds + settings.admitGraceSeconds + settings.maxSessionSeconds) * 1000;

/** In memory, with the declared rooms' keys (`--rooms FILE`) already in place. */
export function memoryPasses(settings: PassSettings, keyring: PassKeyringOptions = {}): Passes {
  const keys = new MemoryPassKeyStore();
  for (const [room, config] of Object.entries(settings.declaredRooms ?? {})) if (config.passKeys) void keys.set(room, config.passKeys);
  return { keys, keyring: new PassKeyring(keyring), subjects: new MemoryPassSubjects({ ttlMs: subjectTtlMs(settings) }) };
}

/** In Redis under the queue's prefix; the declared keys are written at start (applyDeclaredPassKeys). */
export function redisPasses(client: ScriptClient, prefix: string, settings: PassSettings, keyring: PassKeyringOptions = {}): Passes {
  return {
    keys: new RedisPassKeyStore(client, prefix),
    keyring: new PassKeyring(keyring),
    subjects: new RedisPassSubjects(client, { ttlMs: subjectTtlMs(settings) }, prefix),
  };
}

/** The rooms file is the operator's truth, for keys as for settings: a declared room without keys has none. */
export async function applyDeclaredPassKeys(keys: PassKeyStore, settings: PassSettings): Promise<void> {
  await Promise.all(Object.entries(settings.declaredRooms ?? {}).map(([room, config]) => keys.set(room, config.passKeys ?? null)));
}
