/**
 * What a rehearsal counts, in one process: requests by endpoint (latency of answered ones), failures by
 * HTTP status and server code, and each pupil's timeline for the FIFO check. `snapshot()` is plain data
 * that a child process sends to its parent, which merges them.
 */
import { LatencyHistogram, type LatencyCounts } from './latency-histogram.js';
import type { PupilTimeline } from './fifo-inversions.js';

export const ENDPOINTS = ['join', 'status', 'heartbeat', 'release'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export interface TallySnapshot {
  pupils: number;
  arrived: number;
  admitted: number;
  released: number;
  /** An acknowledged ticket later answered unknown (404) or expired (410) while its pupil waited. */
  placesLost: number;
  /** An admitted pupil's heartbeat answered 410/401: the seat went while the pupil was there. */
  sessionsLost: number;
  /** Joins answered 428: the room asked for a proof of work (the flood rule fired); the pupil solved it. */
  powRequired: number;
  requests: number;
  errorsByCode: Record<string, number>;
  latency: Record<Endpoint, LatencyCounts>;
  timelines: PupilTimeline[];
}

export class Tally {
  pupils = 0;
  arrived = 0;
  admitted = 0;
  released = 0;
  placesLost = 0;
  sessionsLost = 0;
  powRequired = 0;
  requests = 0;
  readonly errorsByCode: Record<string, number> = {};
  readonly latency = Object.fromEntries(ENDPOINTS.map((name) => [name, new LatencyHistogram()])) as Record<Endpoint, LatencyHistogram>;
  readonly timelines: PupilTimeline[] = [];

  error(endpoint: Endpoint, code: string): void {
    const key = `${endpoint} ${code}`;
    this.errorsByCode[key] = (this.errorsByCode[key] ?? 0) + 1;
  }

  snapshot(withTimelines = true): TallySnapshot {
    const { pupils, arrived, admitted, released, placesLost, sessionsLost, powRequired, requests, errorsByCode } = this;
    const latency = Object.fromEntries(ENDPOINTS.map((name) => [name, { ...this.latency[name].counts }])) as Record<Endpoint, LatencyCounts>;
    return { pupils, arrived, admitted, released, placesLost, sessionsLost, powRequired, requests, errorsByCode: { ...errorsByCode }, latency, timelines: withTimelines ? this.timelines : [] };
  }

  /** Adds a child's snapshot to this one. */
  merge(other: TallySnapshot): void {
    for (const field of ['pupils', 'arrived', 'admitted', 'released', 'placesLost', 'sessionsLost', 'powRequired', 'requests'] as const) this[field] += other[field];
    for (const [code, n] of Object.entries(other.errorsByCode)) this.errorsByCode[code] = (this.errorsByCode[code] ?? 0) + n;
    for (const name of ENDPOINTS) this.latency[name].merge(other.latency[name]);
    this.timelines.push(...other.timelines);
  }
}
