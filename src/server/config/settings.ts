/** The knobs shared by the CLI, `createApp` and `startServer`, with their defaults. */
import type { RoomConfig } from '../../core/protocol/protocol.js';
import type { AutopilotConfig } from '../autopilot/autopilot-config.js';
import { DEFAULT_ADMISSION_COOKIE } from '../../core/protocol/admission-cookie-name.js';

/** `iss` of admission tokens unless `--issuer` says otherwise; verifyAdmission expects it by default too. */
export const DEFAULT_ISSUER = 'antichambre';

export interface ServerSettings {
  /** Capacity of a room created without an admin call (max admitted sessions at once). */
  capacity: number;
  /** Admission rate of such a room (max new admissions in any sliding minute). */
  admitPerMinute: number;
  /** A waiting ticket not seen for this long loses its place. */
  waitingTtlSeconds: number;
  /** An admitted session not seen for this long frees its seat. */
  sessionTtlSeconds: number;
  /**
   * An admission token lives this long; every admitted status and heartbeat hands out a fresh one, so a
   * pupil who stays keeps passing the gate (docs/protocol.md, "Admission lifetime").
   */
  admissionTtlSeconds: number;
  /** An admitted session ends this long after admission, heartbeats or not: a school day. */
  maxSessionSeconds: number;
  /** Rooms whose admissions `/verify` accepts when the proxy names no room (strict gate); none: a room is required. */
  gateRooms: readonly string[];
  /**
   * Rooms the operator declared (`--rooms FILE`): fields left out take the defaults above. Applied at
   * start, and a declared room found missing (Redis data lost) is recreated from it, never from defaults.
   */
  declaredRooms?: Readonly<Record<string, RoomConfig & { autopilot?: AutopilotConfig }>>;
  /** Whether a pupil's join may create an unknown room: `join`, or `admin` (only declared and configured rooms); default `join`, `admin` with `declaredRooms`. */
  roomCreation?: 'join' | 'admin';
  /** Joins may not create more rooms than this (anonymous joins must not grow the state without bound). */
  maxRooms: number;
  /** A pupil admitted while away has this long to come back (any status or heartbeat) before the seat passes on. */
  admitGraceSeconds: number;
  /** Origins allowed to call the API from a browser; `['*']` allows any. */
  corsOrigins: readonly string[];
  /** `iss` claim of admission tokens. */
  issuer: string;
  /** Cookie the widget stores the admission token in; `/verify` reads it. */
  admissionCookie: string;
  /** Joins per client per minute, sustained; 0 turns the limit off. */
  joinLimitPerMinute: number;
  /** Joins a client may make at once after being quiet (the token bucket's size). */
  joinBurst: number;
  /**
   * Reverse proxies (IP addresses, CIDRs or `loopback`) whose `X-Forwarded-For` is believed, walked from
   * the right (client-address.ts). Empty: the socket's address is the client.
   */
  trustProxy: readonly string[];
  /**
   * Networks (CIDRs or addresses) where many pupils share one address: a join from one is placed in
   * plain join order, not grouped with its address's other tickets (http/shared-networks.ts).
   */
  sharedNetworks: readonly string[];
}

export const DEFAULT_SETTINGS: ServerSettings = {
  capacity: 100,
  admitPerMinute: 60,
  waitingTtlSeconds: 600,
  sessionTtlSeconds: 1800,
  // Five minutes: short enough that a copied or leaked token soon stops working, long enough that a pupil
  // reading one page (no heartbeat for a minute) keeps it: <antichambre-session> renews at half its life.
  admissionTtlSeconds: 300,
  // 10 hours: from before 8:00 to after 17:00, the longest school day.
  maxSessionSeconds: 36_000,
  gateRooms: [],
  // 10,000: every school of a large académie with room to spare; a room a join created costs ~1.6 KB in
  // memory and is forgotten once idle.
  maxRooms: 10_000,
  admitGraceSeconds: 180,
  corsOrigins: ['*'],
  issuer: DEFAULT_ISSUER,
  admissionCookie: DEFAULT_ADMISSION_COOKIE,
  // A school sits behind one NAT address: at 8:00 a few classes of ~30 open the ENT in the same minute
  // (burst 100 = three classes at once), then the rest of a 1,000-pupil school trickles in over a quarter
  // of an hour (~67/min: 60/min sustained). A pupil beyond that is not locked out: the widget retries
  // after Retry-After (1 s per extra pupil at 60/min). One machine, which used to get 604 places in half
  // a second (600 + 600/min), now gets at most 100, then one a second; proof of work does the rest.
  joinLimitPerMinute: 60,
  joinBurst: 100,
  trustProxy: [],
  sharedNetworks: [],
};

/**
 * The settings a server runs with: what was given over the defaults. An option given as undefined
 * (`{capacity: undefined}` from a caller) keeps its default rather than erasing it.
 */
export function withDefaults(given: Partial<ServerSettings>): ServerSettings {
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
}
