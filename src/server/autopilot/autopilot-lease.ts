/**
 * With Redis, one instance at a time runs the law: it holds a lease (SET NX PX), renews it at each tick,
 * and a dead leader's lease expires within `ttlMs` so another takes over. 3 s: three missed ticks of 1 s,
 * long enough to ride a GC pause, short enough that a lost leader costs at most ~3 s of steering.
 */
import { LuaScript, type ScriptClient } from '../stores/lua-script.js';

// Renew if ours, take it if free: one atomic step, so two instances never both believe they lead.
const ACQUIRE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`);

const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

export const autopilotLeaseKey = (room: string): string => `antichambre:{autopilot:${room}}:lease`;

export class AutopilotLease {
  constructor(
    private readonly client: ScriptClient,
    private readonly room: string,
    /** This instance's id (random per process). */
    readonly holder: string,
    readonly ttlMs = 3_000,
  ) {}

  /** True when this instance leads now (taken or renewed). */
  async acquire(): Promise<boolean> {
    return (await ACQUIRE.run(this.client, [autopilotLeaseKey(this.room)], [this.holder, this.ttlMs])) === 1;
  }

  /** On shutdown: hand over at once instead of after the TTL. */
  async release(): Promise<void> {
    await RELEASE.run(this.client, [autopilotLeaseKey(this.room)], [this.holder]);
  }
}
