/**
 * FIFO inversions seen from outside, with no access to the server's line: pupil B is counted when some
 * pupil A of the same room had its join answered before B's join was sent (so A is ahead of B in line),
 * yet A was still answered "waiting" to a request sent after B was answered "admitted". Both orders are
 * real-time facts, so a count above 0 is a real inversion, never clock noise (ties do not count).
 *
 * It holds because every rehearsal pupil joins from its own address (X-Forwarded-For): the line's fair
 * round (stores/fair-round.ts) then keeps plain join order. Pupils sharing an address without
 * --shared-networks would be interleaved by address on purpose, which this rule would wrongly count.
 */

/** What one pupil's requests showed, in milliseconds on a clock shared by every process (Date.now). */
export interface PupilTimeline {
  room: string;
  joinSentAt: number;
  /** When the join's 200/201 came back; undefined if it never did. */
  joinAckAt?: number;
  /** When the first answer saying "admitted" came back. */
  admittedAt?: number;
  /** When the last request answered "waiting" was sent. */
  lastWaitingSentAt?: number;
}

export function countFifoInversions(pupils: readonly PupilTimeline[]): number {
  const rooms = new Map<string, PupilTimeline[]>();
  for (const pupil of pupils) {
    if (pupil.joinAckAt === undefined) continue;
    const line = rooms.get(pupil.room);
    if (line) line.push(pupil);
    else rooms.set(pupil.room, [pupil]);
  }
  let inversions = 0;
  for (const line of rooms.values()) {
    // Ahead-of candidates by join answer time, with the latest "still waiting" among them so far.
    const byAck = [...line].sort((a, b) => a.joinAckAt! - b.joinAckAt!);
    const latestWaiting: number[] = [];
    for (const [i, pupil] of byAck.entries()) latestWaiting[i] = Math.max(latestWaiting[i - 1] ?? -Infinity, pupil.lastWaitingSentAt ?? -Infinity);
    for (const b of line) {
      if (b.admittedAt === undefined) continue;
      const ahead = countBefore(byAck, b.joinSentAt);
      if (ahead > 0 && latestWaiting[ahead - 1]! > b.admittedAt) inversions += 1;
    }
  }
  return inversions;
}

/** How many of `sorted` had their join answered strictly before `time`. */
function countBefore(sorted: readonly PupilTimeline[], time: number): number {
  let [low, high] = [0, sorted.length];
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]!.joinAckAt! < time) low = mid + 1;
    else high = mid;
  }
  return low;
}
