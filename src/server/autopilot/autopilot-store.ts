/**
 * Each room's autopilot config (admin API, `--rooms` file, `--autopilot-*` flags) and the law's last
 * decision, kept apart from the queue store: its Lua scripts never see them. In memory for one instance;
 * in Redis (`antichambre:{room}:autopilot`, JSON, plus `…:autopilot-last` and a set of the rooms that have
 * one) when the queue is there, so a PUT on any instance reaches the one that steers.
 */
import * as v from 'valibot';
import { LuaScript, type ScriptClient } from '../stores/lua-script.js';
import { readKeyScript, writeKeyScript } from '../stores/key-scripts.js';
import { AutopilotConfigSchema, type AutopilotConfig } from './autopilot-config.js';

/** What an operator reads of the law's last tick (admin GET). */
export interface AutopilotLastDecision {
  action: string;
  reason: string;
  /** ISO 8601 */
  at: string;
  /** ISO 8601: the last tick that had enough samples to judge (after a move the evidence starts afresh). */
  evidenceAt?: string;
}

export interface AutopilotStore {
  get(room: string): Promise<AutopilotConfig | null>;
  /** null removes it. */
  set(room: string, config: AutopilotConfig | null): Promise<void>;
  /** Every room that has a config, on or off. */
  list(): Promise<Map<string, AutopilotConfig>>;
  lastDecision(room: string): Promise<AutopilotLastDecision | null>;
  recordDecision(room: string, decision: AutopilotLastDecision): Promise<void>;
}

export class MemoryAutopilotStore implements AutopilotStore {
  private readonly configs = new Map<string, AutopilotConfig>();
  private readonly decisions = new Map<string, AutopilotLastDecision>();

  async get(room: string): Promise<AutopilotConfig | null> {
    return this.configs.get(room) ?? null;
  }
  async set(room: string, config: AutopilotConfig | null): Promise<void> {
    if (config === null) this.configs.delete(room);
    else this.configs.set(room, config);
  }
  async list(): Promise<Map<string, AutopilotConfig>> {
    return new Map(this.configs);
  }
  async lastDecision(room: string): Promise<AutopilotLastDecision | null> {
    return this.decisions.get(room) ?? null;
  }
  async recordDecision(room: string, decision: AutopilotLastDecision): Promise<void> {
    this.decisions.set(room, decision);
  }
}

// Scripts rather than raw commands (key-scripts.ts); one key per script, so each runs on a Cluster.
const indexScript = new LuaScript("if ARGV[2] == '1' then return redis.call('SADD', KEYS[1], ARGV[1]) end return redis.call('SREM', KEYS[1], ARGV[1])");
const membersScript = new LuaScript("return redis.call('SMEMBERS', KEYS[1])");

export class RedisAutopilotStore implements AutopilotStore {
  constructor(
    private readonly client: ScriptClient,
    private readonly prefix = 'antichambre',
  ) {}

  async get(room: string): Promise<AutopilotConfig | null> {
    const text = await readKeyScript.run(this.client, [this.key(room)], []);
    return typeof text === 'string' ? parsed(text) : null;
  }

  async set(room: string, config: AutopilotConfig | null): Promise<void> {
    await writeKeyScript.run(this.client, [this.key(room)], [config === null ? '' : JSON.stringify(config)]);
    await indexScript.run(this.client, [this.indexKey()], [room, config === null ? '0' : '1']);
  }

  async list(): Promise<Map<string, AutopilotConfig>> {
    const rooms = (await membersScript.run(this.client, [this.indexKey()], [])) as string[];
    const configs = await Promise.all(rooms.map(async (room) => [room, await this.get(room)] as const));
    return new Map(configs.filter((entry): entry is readonly [string, AutopilotConfig] => entry[1] !== null));
  }

  async lastDecision(room: string): Promise<AutopilotLastDecision | null> {
    const text = await readKeyScript.run(this.client, [`${this.key(room)}-last`], []);
    return typeof text === 'string' ? (JSON.parse(text) as AutopilotLastDecision) : null;
  }

  async recordDecision(room: string, decision: AutopilotLastDecision): Promise<void> {
    await writeKeyScript.run(this.client, [`${this.key(room)}-last`], [JSON.stringify(decision)]);
  }

  private key(room: string): string {
    return `${this.prefix}:{${room}}:autopilot`;
  }

  private indexKey(): string {
    return `${this.prefix}:autopilot-rooms`;
  }
}

/** A value another version wrote or a hand edit broke reads as no config, never as a crash. */
function parsed(text: string): AutopilotConfig | null {
  try {
    const result = v.safeParse(AutopilotConfigSchema, JSON.parse(text));
    return result.success ? result.output : null;
  } catch {
    return null;
  }
}

/**
 * A manual capacity or rate while the autopilot is on moves the bounds, not the law: the value becomes
 * the ceiling (and the floor too if it is below it), so the law steers from there without undoing it.
 */
export function boundsAfterManualChange(config: AutopilotConfig, patch: { capacity?: number; admitPerMinute?: number }): AutopilotConfig {
  if (!config.on) return config;
  const next = { ...config };
  if (patch.capacity !== undefined) {
    next.maxCapacity = patch.capacity;
    next.minCapacity = Math.min(next.minCapacity, patch.capacity);
  }
  if (patch.admitPerMinute !== undefined) {
    next.maxAdmitPerMinute = patch.admitPerMinute;
    next.minAdmitPerMinute = Math.min(next.minAdmitPerMinute, patch.admitPerMinute);
  }
  return next;
}

/** What `GET /rooms/{room}` says of the autopilot: public, so no probe URL nor bounds. */
export type AutopilotSteering = { steering: true } | { steering: false; reason: 'off' | 'starting' | 'no-samples' | 'stale' };

/**
 * Steering means on, with a recent decision made on evidence. 10 s stale: ten missed ticks of 1 s, beyond
 * the lease's 3 s handover, so only a leader that is gone (or cannot write) reads as not steering.
 */
export async function autopilotSteering(configs: AutopilotStore, room: string, now: number): Promise<AutopilotSteering> {
  const [config, last] = await Promise.all([configs.get(room), configs.lastDecision(room)]);
  if (!config?.on) return { steering: false, reason: 'off' };
  if (!last) return { steering: false, reason: 'starting' };
  if (now - Date.parse(last.at) > 10_000) return { steering: false, reason: 'stale' };
  // Each move restarts the evidence, so a few seconds of "too few samples" follow it: judged on the last
  // tick that had enough, within the same 10 s, not on the last tick alone (it flapped in the demo).
  if (!last.evidenceAt || now - Date.parse(last.evidenceAt) > 10_000) return { steering: false, reason: 'no-samples' };
  return { steering: true };
}
