/**
 * A Lua script run by its SHA-1 (EVALSHA), so each call sends 40 bytes instead of the script. After a
 * Redis restart or failover the script cache is empty: the first call then answers NOSCRIPT and the
 * script is sent once with EVAL, which also caches it again.
 */
import { createHash } from 'node:crypto';
import { withDeadline } from './redis-connection.js';
import { storeUnavailable } from './store-errors.js';

type Arg = string | number;

/** The two commands a script needs; both ioredis `Redis` and `Cluster` have them. */
export interface ScriptClient {
  evalsha(sha1: string, numkeys: number, ...args: Arg[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: Arg[]): Promise<unknown>;
}

export class LuaScript {
  readonly sha1: string;

  constructor(readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex');
  }

  /**
   * Any failure (no answer within the command timeout, connection, script error) rejects with a
   * StoreUnavailableError: 503, not 500.
   */
  async run(client: ScriptClient, keys: readonly string[], args: readonly Arg[], timeoutMs?: number): Promise<unknown> {
    try {
      try {
        return await withDeadline(client.evalsha(this.sha1, keys.length, ...keys, ...args), timeoutMs);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await withDeadline(client.eval(this.source, keys.length, ...keys, ...args), timeoutMs);
      }
    } catch (error) {
      throw storeUnavailable(error);
    }
  }
}
