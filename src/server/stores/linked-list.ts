/**
 * A doubly linked list whose nodes callers keep, so removing from the middle and moving to the end are
 * O(1). Used for the line (join order) and for last-seen order (expiry reads from the stalest end).
 * Why not a Map's insertion order: V8 leaves a hole per deleted entry until it rehashes, and reading
 * the first entry skips every hole, so a line whose front keeps moving made each request O(n).
 */
export interface ListNode<T> {
  readonly value: T;
  prev: ListNode<T> | null;
  next: ListNode<T> | null;
}

export class LinkedList<T> {
  private head: ListNode<T> | null = null;
  private tail: ListNode<T> | null = null;
  private count = 0;

  get size(): number {
    return this.count;
  }

  first(): T | undefined {
    return this.head?.value;
  }

  push(value: T): ListNode<T> {
    const node: ListNode<T> = { value, prev: null, next: null };
    this.append(node);
    this.count++;
    return node;
  }

  /** Removes and returns the first value. */
  shift(): T | undefined {
    const head = this.head;
    if (head) this.remove(head);
    return head?.value;
  }

  remove(node: ListNode<T>): void {
    if (node.prev) node.prev.next = node.next;
    else if (this.head === node) this.head = node.next;
    else return; // not in this list (already removed)
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = null;
    this.count--;
  }

  moveToEnd(node: ListNode<T>): void {
    if (this.tail === node) return;
    this.remove(node);
    this.append(node);
    this.count++;
  }

  private append(node: ListNode<T>): void {
    node.prev = this.tail;
    node.next = null;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
  }
}
