/**
 * One Redis key read or written whole, as a script: the stores' connection only promises EVALSHA/EVAL
 * (lua-script.ts), a Redis fault then reads as the queue's own 503, and one key per script runs on a Cluster
 * whatever the room's hash slot. Shared by the per-room configs kept beside the line (autopilot, pass keys).
 */
import { LuaScript } from './lua-script.js';

/** GET KEYS[1]. */
export const readKeyScript = new LuaScript("return redis.call('GET', KEYS[1])");
/** SET KEYS[1] to ARGV[1]; an empty ARGV[1] deletes the key. */
export const writeKeyScript = new LuaScript("if ARGV[1] == '' then return redis.call('DEL', KEYS[1]) end return redis.call('SET', KEYS[1], ARGV[1])");
