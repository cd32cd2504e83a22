/**
 * The Redis store's atomic operations, one Lua script each (files in ./lua). Redis has no `require`
 * for scripts, so the shared prelude (room.lua: expiry, admission, replies) is prepended to each body.
 */
import { readFileSync } from 'node:fs';
import { LuaScript } from './lua-script.js';

const read = (name: string): string => readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
const prelude = read('room');
const script = (name: string): LuaScript => new LuaScript(`${prelude}\n${read(name)}`);

export const redisScripts = {
  join: script('join'),
  status: script('status'),
  release: script('release'),
  configure: script('configure'),
  advance: script('advance'),
  ended: script('ended'),
  // Standalone: a read-only check the gate makes often has no use for the prelude's expiry and admission.
  admitted: new LuaScript(read('admitted')),
  // Standalone and read-only too: whether another join's ticket still holds a pass subject (place-by-pass.ts).
  live: new LuaScript(read('live')),
  // Standalone: gives back admissions whose answer a failed replica wait stopped (replica-wait.ts).
  unclaim: new LuaScript(read('unclaim')),
};
