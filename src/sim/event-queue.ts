/**
 * The simulator's agenda: a binary min-heap of (time, payload) in two parallel arrays, so a million
 * pending events cost two numbers each and no object. Events at the same time come out in an order fixed
 * by the sequence of pushes and pops, so a seeded run replays exactly.
 */
export class EventQueue {
  private times: number[] = [];
  private payloads: number[] = [];

  get size(): number {
    return this.times.length;
  }

  push(time: number, payload: number): void {
    const { times, payloads } = this;
    let i = times.length;
    times.push(time);
    payloads.push(payload);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent] <= time) break;
      times[i] = times[parent];
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = time;
    payloads[i] = payload;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.times.length > 0 ? this.times[0] : Infinity;
  }

  /** Removes the earliest event and returns its payload; call only when `size > 0`. */
  pop(): number {
    const { times, payloads } = this;
    const top = payloads[0];
    const lastTime = times.pop()!;
    const lastPayload = payloads.pop()!;
    const n = times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1] < times[child]) child++;
      if (times[child] >= lastTime) break;
      times[i] = times[child];
      payloads[i] = payloads[child];
      i = child;
    }
    times[i] = lastTime;
    payloads[i] = lastPayload;
    return top;
  }
}
