import type { Random } from '../core/clock.js';
import { DEFAULT_SETTINGS } from '../server/settings.js';
import type { Scenario } from './scenario.js';

/**
 * The flood benchmark's line (flood-model.ts) admitted: FIFO at the room's rate into its seats. `line` holds
 * pupils as their index (≥ 0) and attacker batches as -(batch + 1). Returns each pupil's admission second.
 */
export function admitLine(line: number[], joinedAt: number[], batchSize: number[], batchTime: number[], scenario: Scenario, random: Random): number[] {
  const admittedAt: number[] = new Array(joinedAt.length).fill(-1);
  const perSecond = scenario.admitPerMinute / 60;
  const frees = new Map<number, number>();
  const release = (at: number, n: number) => frees.set(at, (frees.get(at) ?? 0) + n);
  let free = scenario.capacity;
  let allowance = 0;
  let head = 0;
  // Attacker tickets of the head batch still waiting.
  let batchLeft = line[0] < 0 ? batchSize[-line[0] - 1] : 0;
  const first = line[0] === undefined ? 0 : line[0] < 0 ? batchTime[-line[0] - 1] : joinedAt[line[0]];
  for (let t = first; head < line.length; t++) {
    free += frees.get(t) ?? 0;
    frees.delete(t);
    allowance = Math.min(allowance + perSecond, Math.max(1, perSecond));
    while (head < line.length && allowance >= 1 && free > 0) {
      const entry = line[head];
      if (entry >= 0) {
        if (joinedAt[entry] > t) break;
        admittedAt[entry] = t;
        release(t + Math.round(scenario.sessionMinS + random() * (scenario.sessionMaxS - scenario.sessionMinS)), 1);
        allowance -= 1;
        free -= 1;
      } else {
        if (batchTime[-entry - 1] > t) break;
        const n = Math.min(batchLeft, Math.floor(allowance), free);
        // An admitted attacker ticket holds its seat until the session TTL ends it.
        release(t + DEFAULT_SETTINGS.sessionTtlSeconds, n);
        allowance -= n;
        free -= n;
        batchLeft -= n;
        if (batchLeft > 0) continue;
      }
      head += 1;
      batchLeft = line[head] < 0 ? batchSize[-line[head] - 1] : 0;
    }
  }
  return admittedAt;
}
