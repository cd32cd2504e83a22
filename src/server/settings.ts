/** The knobs shared by the CLI, `createApp` and `startServer`, with their defaults. */
import { DEFAULT_ISSUER } from './tokens.js';

export interface ServerSettings {
  /** Capacity of a room created without an admin call (max admitted sessions at once). */
  capacity: number;
  /** Admission rate of such a room (max new admissions in any sliding minute). */
  admitPerMinute: number;
  /** A waiting ticket not seen for this long loses its place. */
  waitingTtlSeconds: number;
  /** An admitted session not seen for this long frees its seat; also the admission token lifetime. */
  sessionTtlSeconds: number;
  /** A pupil admitted while away has this long to come back (any status or heartbeat) before the seat passes on. */
  admitGraceSeconds: number;
  /** Origins allowed to call the API from a browser; `['*']` allows any. */
  corsOrigins: readonly string[];
  /** `iss` claim of admission tokens. */
  issuer: string;
  /** Cookie the widget stores the admission token in; `/verify` reads it. */
  admissionCookie: string;
  /** Joins per client per minute (bursts up to as many); 0 turns the limit off. */
  joinLimitPerMinute: number;
  /** Take the client address from the last `X-Forwarded-For` entry (behind a reverse proxy only). */
  trustProxy: boolean;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  capacity: 100,
  admitPerMinute: 60,
  waitingTtlSeconds: 600,
  sessionTtlSeconds: 1800,
  admitGraceSeconds: 180,
  corsOrigins: ['*'],
  issuer: DEFAULT_ISSUER,
  admissionCookie: 'antichambre_admission',
  // Generous on purpose: a whole school can sit behind one NAT address at 8:00.
  joinLimitPerMinute: 600,
  trustProxy: false,
};
