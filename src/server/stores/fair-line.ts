/**
 * The memory store's line in fair order (fair-round.ts): tickets ordered by (round, seq), with each
 * pupil's exact place in O(log n) after tickets in the middle leave.
 *
 * A treap (a binary search tree kept balanced by a random-looking priority per node) whose nodes count
 * their subtree, so a place is the number of nodes before it. A new ticket goes in the middle of the line
 * when its client already waits, so the join-order Fenwick tree this replaces no longer fits. Priorities
 * are a hash of seq, not Math.random: the same joins always build the same tree.
 *
 * Per-client state is one entry per client with a waiting ticket, deleted with its last waiting ticket:
 * bounded by the line, and expired with it (waitingTtl).
 */
import { compareTurns, fairRound, type ClientTurns } from './fair-round.js';

export interface LinePlace<T> {
  readonly value: T;
  /** The client's key, or null for a join that gave none (its own client: plain join order). */
  readonly client: string | null;
  readonly round: number;
  /** Join order once in line; -1 while entered but not placed (a pre-queue before its opening). */
  seq: number;
  left: LinePlace<T> | null;
  right: LinePlace<T> | null;
  size: number;
  priority: number;
  /** Counted in its client's waiting tickets (from enter to leave). */
  counted: boolean;
}

export class FairLine<T> {
  private root: LinePlace<T> | null = null;
  private nextSeq = 0;
  /** Round of the last admission: only grows while anyone waits, since admissions follow the line's order. */
  private head = 0;
  private readonly clients = new Map<string, ClientTurns>();

  /** Tickets placed in line (the entered ones not counted). */
  get size(): number {
    return this.root?.size ?? 0;
  }

  /** Clients with a waiting ticket (entered or placed): the per-client state held. */
  get clientCount(): number {
    return this.clients.size;
  }

  get headRound(): number {
    return this.head;
  }

  /**
   * Nobody waits: round and join order start again at 0 once past 2^20 rounds or 2^31 joins, as
   * lua/room.lua's restart_line does (its scores, round * 2^32 + seq, are exact below 2^53 only). The
   * caller knows the pre-queue is empty too.
   */
  restart(): void {
    if (this.head < 2 ** 20 && this.nextSeq < 2 ** 31) return;
    if (this.root === null && this.clients.size === 0) this.head = this.nextSeq = 0;
  }

  /** Gives a new ticket its round and counts it as its client's; `place` then puts it in line. */
  enter(value: T, client: string | null): LinePlace<T> {
    let round = this.head;
    if (client !== null) {
      const turns = this.clients.get(client);
      round = fairRound(this.head, turns);
      if (turns) {
        turns.lastRound = round;
        turns.waiting++;
      } else {
        this.clients.set(client, { lastRound: round, waiting: 1 });
      }
    }
    return { value, client, round, seq: -1, left: null, right: null, size: 1, priority: 0, counted: true };
  }

  /** Puts an entered ticket in line, after every ticket placed before it in its round. */
  place(node: LinePlace<T>): void {
    node.seq = this.nextSeq++;
    node.priority = mix(node.seq);
    this.root = insert(this.root, node);
  }

  /** enter + place. */
  push(value: T, client: string | null): LinePlace<T> {
    const node = this.enter(value, client);
    this.place(node);
    return node;
  }

  first(): T | undefined {
    let node = this.root;
    while (node?.left) node = node.left;
    return node?.value;
  }

  /** Leaves the line (placed or only entered); `admitted`: its turn came, so the head round moves to it. */
  leave(node: LinePlace<T>, admitted = false): void {
    if (node.seq >= 0) {
      this.root = remove(this.root, node);
      node.seq = -1;
    }
    if (admitted) this.head = Math.max(this.head, node.round);
    if (!node.counted || node.client === null) return;
    node.counted = false;
    const turns = this.clients.get(node.client);
    if (turns && --turns.waiting <= 0) this.clients.delete(node.client);
  }

  /** 1-based place of a placed ticket: the tickets ordered before it, plus one. */
  rank(node: LinePlace<T>): number {
    let rank = 0;
    for (let at = this.root; at; ) {
      const order = compareTurns(node, at);
      if (order < 0) at = at.left;
      else {
        rank += (at.left?.size ?? 0) + 1;
        if (order === 0) return rank;
        at = at.right;
      }
    }
    return rank;
  }
}

function insert<T>(root: LinePlace<T> | null, node: LinePlace<T>): LinePlace<T> {
  if (root === null) return node;
  root.size++;
  if (compareTurns(node, root) < 0) {
    root.left = insert(root.left, node);
    if (root.left.priority > root.priority) return rotateRight(root);
  } else {
    root.right = insert(root.right, node);
    if (root.right.priority > root.priority) return rotateLeft(root);
  }
  return root;
}

function remove<T>(root: LinePlace<T> | null, node: LinePlace<T>): LinePlace<T> | null {
  if (root === null) return null;
  if (root === node) {
    const merged = merge(root.left, root.right);
    node.left = node.right = null;
    node.size = 1;
    return merged;
  }
  root.size--;
  if (compareTurns(node, root) < 0) root.left = remove(root.left, node);
  else root.right = remove(root.right, node);
  return root;
}

function merge<T>(a: LinePlace<T> | null, b: LinePlace<T> | null): LinePlace<T> | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.priority > b.priority) {
    a.right = merge(a.right, b);
    a.size = 1 + (a.left?.size ?? 0) + (a.right?.size ?? 0);
    return a;
  }
  b.left = merge(a, b.left);
  b.size = 1 + (b.left?.size ?? 0) + (b.right?.size ?? 0);
  return b;
}

function rotateRight<T>(root: LinePlace<T>): LinePlace<T> {
  const pivot = root.left!;
  root.left = pivot.right;
  pivot.right = root;
  pivot.size = root.size;
  root.size = 1 + (root.left?.size ?? 0) + (root.right?.size ?? 0);
  return pivot;
}

function rotateLeft<T>(root: LinePlace<T>): LinePlace<T> {
  const pivot = root.right!;
  root.right = pivot.left;
  pivot.left = root;
  pivot.size = root.size;
  root.size = 1 + (root.left?.size ?? 0) + (root.right?.size ?? 0);
  return pivot;
}

/** A 32-bit hash of seq (MurmurHash3's finaliser): a treap priority that looks random. */
function mix(seq: number): number {
  let x = seq | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
