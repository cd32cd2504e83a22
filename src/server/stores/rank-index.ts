/**
 * Order statistics over a growing sequence of numbers (ticket join order), so a pupil's place in
 * line is exact after tickets in the middle leave, and costs O(log n) to compute, not O(n).
 *
 * A Fenwick tree over "slots" (seq − base). When the slots run out, the tree is rebuilt from the
 * lowest live seq with twice the live span: each rebuild is paid for by the pushes since the last
 * one, so every operation is amortised O(log n) and memory follows the live span, not all history.
 */
export class RankIndex {
  private tree = new Int32Array(1); // 1-based Fenwick tree, tree[0] unused
  private present = new Uint8Array(0); // present[slot] = 1 while that seq is in the index
  private base = 0; // seq held by slot 0
  private nextSeq = 0;
  private count = 0;

  /** Number of seqs currently in the index. */
  get size(): number {
    return this.count;
  }

  /** Adds the next seq (always larger than every previous one) and returns it. */
  push(): number {
    const seq = this.nextSeq++;
    if (seq - this.base >= this.present.length) this.rebuild();
    const slot = seq - this.base;
    this.present[slot] = 1;
    this.add(slot, 1);
    this.count++;
    return seq;
  }

  /** Removes a seq; removing one that is absent does nothing. */
  remove(seq: number): void {
    const slot = seq - this.base;
    if (slot < 0 || slot >= this.present.length || this.present[slot] === 0) return;
    this.present[slot] = 0;
    this.add(slot, -1);
    this.count--;
  }

  /** How many seqs in the index are ≤ seq: the 1-based rank of a present seq. */
  rank(seq: number): number {
    let i = Math.min(seq - this.base + 1, this.present.length);
    let sum = 0;
    for (; i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }

  private add(slot: number, delta: number): void {
    for (let i = slot + 1; i < this.tree.length; i += i & -i) this.tree[i] += delta;
  }

  private rebuild(): void {
    let first = 0;
    while (first < this.present.length && this.present[first] === 0) first++;
    const newBase = this.base + first;
    const span = this.nextSeq - newBase; // includes the seq being pushed
    const size = Math.max(1024, span * 2);
    const present = new Uint8Array(size);
    present.set(this.present.subarray(first));
    const tree = new Int32Array(size + 1);
    // Linear-time Fenwick construction: each node passes its sum up to its parent once.
    for (let i = 1; i <= size; i++) {
      tree[i] += present[i - 1];
      const parent = i + (i & -i);
      if (parent <= size) tree[parent] += tree[i];
    }
    this.present = present;
    this.tree = tree;
    this.base = newBase;
  }
}
