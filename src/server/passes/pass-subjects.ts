/**
 * Which join key holds each pass subject of a room, so a pass copied to the whole class puts one ticket
 * in its lane, not thirty. A holder is `{ key, ticketId }` (ticketId null while its join is in flight).
 * Claims are atomic (a Map in one process, one Lua script in Redis), so of two joins racing with the same
 * subject exactly one holds it. Whether a holder's ticket is still live is the store's to say
 * (pass-placement.ts); these records only expire, after longer than any ticket lives.
 */
import { createHash } from 'node:crypto';
import { LuaScript, type ScriptClient } from '../stores/lua-script.js';

export interface SubjectHolder {
  key: string;
  ticketId: string | null;
}

export interface PassSubjects {
  /** Makes `key` the holder when nobody holds the subject; answers the holder after the call. */
  claim(room: string, subject: string, key: string, now: number): Promise<SubjectHolder>;
  /** Hands the subject from `from` (whose ticket ended) to `key`; false when another join moved first. */
  takeOver(room: string, subject: string, from: SubjectHolder, key: string, now: number): Promise<boolean>;
  /** Records the ticket the holder's join got (no-op when `key` no longer holds the subject). */
  bind(room: string, subject: string, key: string, ticketId: string, now: number): Promise<void>;
}

export interface PassSubjectsOptions {
  /** How long a record is kept: longer than any ticket lives (a wait plus a whole session, ~10 h by default). */
  ttlMs: number;
  /**
   * 30 s: a claim whose join never came back (the store failed, the process died) frees the subject by
   * then; a join takes milliseconds.
   */
  pendingTtlMs?: number;
}

const PENDING = '-';
const encode = (key: string, ticketId: string | null): string => `${key} ${ticketId ?? PENDING}`;
function decode(value: string): SubjectHolder {
  const [key = '', ticketId = PENDING] = value.split(' ');
  return { key, ticketId: ticketId === PENDING ? null : ticketId };
}
/** Subjects are the ENT's (often a person's id): stored hashed, and of bounded length. */
const subjectId = (subject: string): string => createHash('sha256').update(subject).digest('base64url');

export class MemoryPassSubjects implements PassSubjects {
  private readonly records = new Map<string, { value: string; expiresAt: number }>();
  private readonly ttlMs: number;
  private readonly pendingTtlMs: number;
  private writes = 0;

  constructor(options: PassSubjectsOptions) {
    this.ttlMs = options.ttlMs;
    this.pendingTtlMs = options.pendingTtlMs ?? 30_000;
  }

  async claim(room: string, subject: string, key: string, now: number): Promise<SubjectHolder> {
    const id = `${room}\n${subjectId(subject)}`;
    const current = this.read(id, now);
    if (current !== null) return decode(current);
    this.write(id, encode(key, null), now + this.pendingTtlMs, now);
    return { key, ticketId: null };
  }

  async takeOver(room: string, subject: string, from: SubjectHolder, key: string, now: number): Promise<boolean> {
    const id = `${room}\n${subjectId(subject)}`;
    if (this.read(id, now) !== encode(from.key, from.ticketId)) return false;
    this.write(id, encode(key, null), now + this.pendingTtlMs, now);
    return true;
  }

  async bind(room: string, subject: string, key: string, ticketId: string, now: number): Promise<void> {
    const id = `${room}\n${subjectId(subject)}`;
    const current = this.read(id, now);
    if (current !== null && decode(current).key === key) this.write(id, encode(key, ticketId), now + this.ttlMs, now);
  }

  private read(id: string, now: number): string | null {
    const record = this.records.get(id);
    if (record === undefined || record.expiresAt <= now) return null;
    return record.value;
  }

  private write(id: string, value: string, expiresAt: number, now: number): void {
    this.records.set(id, { value, expiresAt });
    // Forget expired records now and then: one sweep per 1,000 writes keeps the cost flat.
    if (++this.writes % 1000 === 0) for (const [other, record] of this.records) if (record.expiresAt <= now) this.records.delete(other);
  }
}

const claimScript = new LuaScript(
  "local current = redis.call('GET', KEYS[1]) if current then return current end redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return ARGV[1]",
);
const takeOverScript = new LuaScript(
  "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1",
);
const bindScript = new LuaScript(
  "local current = redis.call('GET', KEYS[1]) if not current or string.sub(current, 1, #ARGV[1] + 1) ~= ARGV[1] .. ' ' then return 0 end redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1",
);

/** One key per subject, `antichambre:{room}:pass-subject:<sha-256>`, in the room's hash slot. */
export class RedisPassSubjects implements PassSubjects {
  private readonly ttlMs: number;
  private readonly pendingTtlMs: number;

  constructor(
    private readonly client: ScriptClient,
    options: PassSubjectsOptions,
    private readonly prefix = 'antichambre',
  ) {
    this.ttlMs = options.ttlMs;
    this.pendingTtlMs = options.pendingTtlMs ?? 30_000;
  }

  async claim(room: string, subject: string, key: string): Promise<SubjectHolder> {
    const value = await claimScript.run(this.client, [this.key(room, subject)], [encode(key, null), this.pendingTtlMs]);
    return decode(String(value));
  }

  async takeOver(room: string, subject: string, from: SubjectHolder, key: string): Promise<boolean> {
    const reply = await takeOverScript.run(this.client, [this.key(room, subject)], [encode(from.key, from.ticketId), encode(key, null), this.pendingTtlMs]);
    return reply === 1;
  }

  async bind(room: string, subject: string, key: string, ticketId: string): Promise<void> {
    await bindScript.run(this.client, [this.key(room, subject)], [key, encode(key, ticketId), this.ttlMs]);
  }

  private key(room: string, subject: string): string {
    return `${this.prefix}:{${room}}:pass-subject:${subjectId(subject)}`;
  }
}
