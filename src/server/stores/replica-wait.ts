/**
 * "Nothing acknowledged is lost in a failover": Redis replicates asynchronously, so a join or an
 * admission answered before it reached a replica vanishes when that replica is promoted. The store
 * therefore confirms those writes with WAIT before answering (`--redis-wait-replicas`, default 1 on a
 * Cluster or behind Sentinels, 0 on a single Redis where there is nothing to fail over to).
 *
 * WAIT covers every earlier write of the connection that sends it, so it must go to the very node
 * connection that ran the script, and one WAIT confirms all the writes made before it: calls are
 * coalesced per node, one WAIT in flight at a time (a blocked connection stalls every command behind it,
 * so one WAIT per join would serialise the instance on replication round trips).
 *
 * When the replica cannot confirm, the answer is a 503 + Retry-After, and the client's retry (joins
 * and polls are idempotent) gets the same ticket once it can:
 * - a replica attached but silent: WAIT times out (REPLICA_WAIT_TIMEOUT_MS);
 * - a primary that had a replica and lost it (a network blip; the replica reconnects within ~1–2 s):
 *   refused for REPLICA_GRACE_MS, since a crash now would promote a replica missing those writes.
 * A primary that has had no replica for longer, or never since it became primary (a promoted replica
 * whose old primary is dead), has nothing to wait for: writes are answered unconfirmed rather than
 * refused, so the line keeps moving; a second crash of that shard before a replica re-attaches is the
 * window the operator accepts (docs/capacity.md).
 *
 * A replica that stays attached but silent (a frozen VM, a saturated link: its primary lists it online
 * until repl-timeout, 60 s) would otherwise refuse every join for as long as it lasts. After
 * REPLICA_SLOW_AFTER timeouts in a row it is treated as lost: refused at once (no more 100 ms stalls of
 * the node's connection) for REPLICA_GRACE_MS, then answered unconfirmed; one WAIT a second
 * (REPLICA_PROBE_MS) probes it, and the first confirmation turns the wait back on. Each change is logged.
 */
import { Cluster, type Redis } from 'ioredis';
import { withDeadline } from './redis-connection.js';
import { keySlot } from './redis-slot.js';
import { StoreUnavailableError, storeUnavailable } from './store-errors.js';

/** How long a WAIT may hold a node's connection. Loopback replication answers in ~0.2 ms; 100 ms is a sick replica. */
export const REPLICA_WAIT_TIMEOUT_MS = 100;
/** A node's count of in-sync replicas is read again at most this often (INFO replication). */
const REPLICAS_TTL_MS = 1000;
/** A primary that lost its replica refuses unconfirmed writes this long: a reconnecting replica takes ~1–2 s. */
export const REPLICA_GRACE_MS = 5000;
/**
 * Timeouts in a row that make a silent replica "lost". Three: one or two are a hiccup (Linux retransmits a
 * lost packet after at least 200 ms, a replica forking for a full sync stalls ~100 ms); three is 300 ms
 * without an ack, while the failover test freezes a replica 150 ms before the crash (at most two).
 */
export const REPLICA_SLOW_AFTER = 3;
/**
 * The timeouts count as in a row only within this window (15 s: three Retry-After periods, so a lone
 * pupil retrying a refused join trips it too); timeouts further apart on a quiet node are unrelated hiccups.
 */
export const REPLICA_SLOW_WINDOW_MS = 15_000;
/** A replica treated as lost is probed with one WAIT this often: ≤ 100 ms of a 1 s stalled (10 %), recovery seen within 1 s. */
export const REPLICA_PROBE_MS = 1000;

interface NodeState {
  waiting: { resolve: () => void; reject: (error: unknown) => void }[];
  flushing: boolean;
  replicas: number;
  readAt: number;
  /** The primary's replication id: a promoted replica gets a new one, a blip keeps it. */
  replid: string;
  /** Whether this primary (this replid) has had a replica in sync. */
  hadReplica: boolean;
  /** Since when it has had none, after having had one. */
  lostAt: number | null;
  /** WAIT timeouts in a row, and when the first of them was. */
  timeouts: number;
  firstTimeoutAt: number;
  /** Since when its replica has been treated as lost for staying silent (REPLICA_SLOW_AFTER), and when it was last probed. */
  silentAt: number | null;
  probedAt: number;
}

export interface ReplicaWaitOptions {
  timeoutMs?: number;
  /** Times the grace and the probes. Default Date.now. */
  clock?: () => number;
  /** Where "treated as lost" and "confirms again" go. Default: stderr. */
  log?: (line: string) => void;
}

export class ReplicaWait {
  private readonly nodes = new WeakMap<Redis, NodeState>();
  private readonly timeoutMs: number;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly client: object,
    /** Replicas that must hold a write before it is answered; 0 turns the wait off. */
    readonly replicas: number,
    options: ReplicaWaitOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? REPLICA_WAIT_TIMEOUT_MS;
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? ((line) => console.error(line));
  }

  /** Resolves once the writes made so far to `key`'s node are on enough replicas; rejects with a 503 error otherwise. */
  confirm(key: string): Promise<void> {
    if (this.replicas === 0) return Promise.resolve();
    const node = this.nodeFor(key);
    if (node === undefined) return Promise.reject(new StoreUnavailableError(`no connection to the node of ${key} to confirm its replication`));
    let state = this.nodes.get(node);
    if (state === undefined) {
      state = { waiting: [], flushing: false, replicas: 0, readAt: Number.NEGATIVE_INFINITY, replid: '', hadReplica: false, lostAt: null, ...ATTENTIVE };
      this.nodes.set(node, state);
    }
    const settled = new Promise<void>((resolve, reject) => state.waiting.push({ resolve, reject }));
    if (!state.flushing) void this.flush(node, state);
    return settled;
  }

  private async flush(node: Redis, state: NodeState): Promise<void> {
    state.flushing = true;
    while (state.waiting.length > 0) {
      const batch = state.waiting;
      state.waiting = [];
      try {
        const attached = await this.attached(node, state);
        if (attached === 0 && state.lostAt !== null && this.clock() - state.lostAt < REPLICA_GRACE_MS) {
          throw new StoreUnavailableError('the primary lost its replica moments ago: a write now could vanish in a failover');
        }
        const needed = Math.min(this.replicas, attached);
        if (needed > 0) await this.confirmed(node, state, needed);
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        const unavailable = storeUnavailable(error);
        for (const waiter of batch) waiter.reject(unavailable);
      }
    }
    state.flushing = false;
  }

  /**
   * Resolves once `needed` replicas hold the node's writes, or, for a replica treated as lost for staying
   * silent, once its grace is over (unconfirmed); rejects otherwise.
   */
  private async confirmed(node: Redis, state: NodeState, needed: number): Promise<void> {
    if (state.silentAt !== null && this.clock() - state.probedAt < REPLICA_PROBE_MS) {
      return this.unconfirmed(state, `the replica of ${address(node)} has confirmed nothing for ${this.clock() - state.silentAt} ms: a write now could vanish in a failover`);
    }
    state.probedAt = this.clock();
    const acked = Number(await withDeadline(node.call('WAIT', needed, this.timeoutMs), this.timeoutMs + 1000));
    if (acked >= needed) {
      if (state.silentAt !== null) this.log(`antichambre: the replica of ${address(node)} confirms writes again after ${((this.clock() - state.silentAt) / 1000).toFixed(1)} s: joins and admissions wait for it again.`);
      Object.assign(state, ATTENTIVE);
      return;
    }
    state.readAt = Number.NEGATIVE_INFINITY; // the replica may be gone: count again before the next wait
    if (state.silentAt === null) {
      const now = this.clock();
      if (state.timeouts === 0 || now - state.firstTimeoutAt > REPLICA_SLOW_WINDOW_MS) Object.assign(state, { timeouts: 0, firstTimeoutAt: now });
      if (++state.timeouts >= REPLICA_SLOW_AFTER) {
        state.silentAt = now;
        this.log(
          `antichambre: the replica of ${address(node)} has not confirmed ${state.timeouts} writes in a row (${this.timeoutMs} ms each): treated as lost; ` +
            `joins and admissions on that node get 503 for ${REPLICA_GRACE_MS / 1000} s, then are answered unconfirmed until it confirms again.`,
        );
      }
    }
    return this.unconfirmed(state, `a write to ${address(node)} reached ${acked} of ${needed} replicas within ${this.timeoutMs} ms`);
  }

  /** A write not confirmed: refused, unless its node's replica has been silent for longer than the grace. */
  private unconfirmed(state: NodeState, refusal: string): void {
    if (state.silentAt !== null && this.clock() - state.silentAt >= REPLICA_GRACE_MS) return;
    throw new StoreUnavailableError(refusal);
  }

  /** Replicas in sync with `node` (state=online), read at most once a second. */
  private async attached(node: Redis, state: NodeState): Promise<number> {
    if (this.clock() - state.readAt < REPLICAS_TTL_MS) return state.replicas;
    const info = String(await withDeadline(node.info('replication'), this.timeoutMs + 1000));
    const replid = /^master_replid:(\S+)/m.exec(info)?.[1] ?? '';
    if (replid !== state.replid) Object.assign(state, { replid, hadReplica: false, lostAt: null, ...ATTENTIVE });
    state.replicas = info.split('\n').filter((line) => /^slave\d+:.*state=online/.test(line)).length;
    state.readAt = this.clock();
    if (state.replicas > 0) Object.assign(state, { hadReplica: true, lostAt: null });
    else if (state.hadReplica) state.lostAt ??= state.readAt;
    return state.replicas;
  }

  /** The connection that wrote `key`: the client itself, or on a Cluster the primary serving its slot now. */
  private nodeFor(key: string): Redis | undefined {
    if (!(this.client instanceof Cluster)) return this.client as Redis;
    const primary = this.client.slots[keySlot(key)]?.[0];
    return this.client.nodes('master').find((node) => address(node) === primary);
  }
}

/** A node whose replica confirms (or has not missed REPLICA_SLOW_AFTER in a row). */
const ATTENTIVE = { timeouts: 0, firstTimeoutAt: 0, silentAt: null, probedAt: Number.NEGATIVE_INFINITY } as const;

const address = (node: Redis): string => `${node.options.host}:${node.options.port}`;
