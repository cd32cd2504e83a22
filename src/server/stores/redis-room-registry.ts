/**
 * The set of room ids in Redis (admin listing, `--max-rooms`). It lives outside every room's hash slot,
 * so the room scripts cannot keep it (Redis Cluster): rooms are added after the script that created
 * them, and rooms whose keys expired (room.lua, keep_alive) are removed lazily: a few sampled at each
 * room creation (as Redis samples keys for its own expiry), all of them by the admin listing, and all
 * of them when the set looks full, so junk rooms that expired never block new ones.
 */

/** Single-key commands only: each one is routed by its key on a Cluster. */
export interface RegistryClient {
  sadd(key: string, member: string): Promise<number>;
  srem(key: string, member: string): Promise<number>;
  smembers(key: string): Promise<string[]>;
  scard(key: string): Promise<number>;
  srandmember(key: string, count: number): Promise<string[]>;
  exists(key: string): Promise<number>;
}

/** Rooms checked per room created: each creation removes up to this many expired ones. */
const SAMPLE = 3;
/** A full clean reads every room (one EXISTS each): at most this often when the set looks full. */
const FULL_CLEAN_EVERY_MS = 10_000;

export class RedisRoomRegistry {
  private lastFullClean = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: RegistryClient,
    /** The registry's key. */
    private readonly key: string,
    /** The key that exists while a room does (its settings hash). */
    private readonly roomKey: (room: string) => string,
    private readonly clock: () => number = Date.now,
  ) {}

  async add(room: string): Promise<void> {
    await this.client.sadd(this.key, room);
    const sampled = await this.client.srandmember(this.key, SAMPLE);
    await this.removeGone(sampled.filter((name) => name !== room));
  }

  names(): Promise<string[]> {
    return this.client.smembers(this.key);
  }

  async remove(room: string): Promise<void> {
    await this.client.srem(this.key, room);
  }

  /** Whether there are fewer than `max` rooms, after forgetting the expired ones when it looks full. */
  async hasRoomFor(max: number): Promise<boolean> {
    if ((await this.client.scard(this.key)) < max) return true;
    if (this.clock() - this.lastFullClean < FULL_CLEAN_EVERY_MS) return false;
    this.lastFullClean = this.clock();
    await this.removeGone(await this.names());
    return (await this.client.scard(this.key)) < max;
  }

  private async removeGone(rooms: readonly string[]): Promise<void> {
    await Promise.all(rooms.map(async (room) => void ((await this.client.exists(this.roomKey(room))) === 0 && (await this.client.srem(this.key, room)))));
  }
}
