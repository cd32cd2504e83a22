/**
 * A Lua script run by its SHA-1 (EVALSHA), so each call sends 40 bytes instead of the script. After a
 * Redis restart or failover the script cache is empty: the first call then answers NOSCRIPT and the
 * script is sent once with EVAL, which also caches it again.
 */
import { createHash } from 'node:crypto';

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

  async run(client: ScriptClient, keys: readonly string[], args: readonly Arg[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
