/**
 * Queue protocol v1: the one definition of every message that crosses the wire.
 * The widget parses server answers with these schemas; the server validates requests with them.
 * See docs/protocol.md for the prose version.
 */
import * as v from 'valibot';

export const PROTOCOL_VERSION = 1;

/** Room ids: 1–64 characters of a-z, 0-9 and "-". */
export const RoomIdSchema = v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'room ids are 1–64 characters of a-z, 0-9 and -'));

/** Ticket ids are server-made; clients only echo them. */
export const TicketIdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed ticket id'));

/** The idempotency key a widget makes and stores before its first join attempt. */
export const JoinKeySchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,128}$/, 'key must be 16–128 characters of A-Z, a-z, 0-9, _ and -'));

/**
 * A proof of work (ALTCHA v1 payload): `number` is such that SHA-256(salt + number) = challenge; the other
 * fields come back unchanged from the challenge the server signed (docs/protocol.md, "Proof of work").
 */
export const PowSolutionSchema = v.object({
  algorithm: v.literal('SHA-256'),
  challenge: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'challenge must be 64 hex digits')),
  number: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1e9)),
  salt: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  signature: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'signature must be 64 hex digits')),
});
export type PowSolution = v.InferOutput<typeof PowSolutionSchema>;

/** What a join answered 428 "pow-required" carries besides `error`: the challenge to solve (ALTCHA v1). */
export const PowChallengeSchema = v.object({
  algorithm: v.literal('SHA-256'),
  challenge: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  maxnumber: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1e9)),
  salt: v.pipe(v.string(), v.minLength(1), v.maxLength(512)),
  signature: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
});
export type PowChallenge = v.InferOutput<typeof PowChallengeSchema>;

/**
 * `pow`: only when a join was answered 428 "pow-required"; the same key, with the solved challenge.
 * `pass`: a priority pass the ENT signed (docs/integration.md, "Passes"). Any string: one that is too long
 * or wrong is refused in the answer's `passRefused`, never with an error status.
 */
export const JoinRequestSchema = v.object({ key: JoinKeySchema, pow: v.optional(PowSolutionSchema), pass: v.optional(v.string()) });
export type JoinRequest = v.InferOutput<typeof JoinRequestSchema>;

/** Body accepted by release when sent with navigator.sendBeacon (text/plain, no preflight). */
export const ReleaseBodySchema = v.object({ ticket: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)) });

export const TicketStateSchema = v.picklist(['waiting', 'admitted', 'released', 'expired']);
export type TicketState = v.InferOutput<typeof TicketStateSchema>;

const NonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0));
const NullableSeconds = v.nullable(v.pipe(v.number(), v.minValue(0)));

export const AdmissionSchema = v.object({
  /** JWT the ENT verifies (sub = ticket id, aud = room). */
  token: v.pipe(v.string(), v.minLength(1)),
  /** ISO 8601 time after which the token is no longer accepted. */
  expiresAt: v.pipe(v.string(), v.isoTimestamp()),
});
export type Admission = v.InferOutput<typeof AdmissionSchema>;

/** Why a join's pass did not put the pupil in its lane (the join then goes to the default lane). */
export const PassRefusalSchema = v.picklist(['pass-invalid', 'pass-expired', 'pass-wrong-room', 'pass-unknown-lane', 'pass-subject-busy', 'pass-keys-missing']);
export type PassRefusal = v.InferOutput<typeof PassRefusalSchema>;

export const TicketStatusSchema = v.object({
  id: TicketIdSchema,
  room: RoomIdSchema,
  state: TicketStateSchema,
  /** 1-based place in line; null unless waiting. */
  position: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** People ahead in line (position − 1); 0 unless waiting. */
  ahead: NonNegativeInt,
  etaSeconds: NullableSeconds,
  etaLowSeconds: NullableSeconds,
  etaHighSeconds: NullableSeconds,
  /** When the server would like to be asked again. Clients add jitter and never go below their floor. */
  pollAfterMs: v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 3600 * 1000)),
  /** Server's clock, ISO 8601: lets a client show "updated at" honestly. */
  serverTime: v.pipe(v.string(), v.isoTimestamp()),
  /** The signed credential; only in the answer to a join. */
  ticket: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(2048))),
  /** Present when state is "admitted". */
  admission: v.optional(AdmissionSchema),
  /** While waiting: how long an admission waits to be claimed (the room's admitGrace), told to the pupil in advance. */
  admitGraceSeconds: v.optional(v.pipe(v.number(), v.minValue(0))),
  /** The ticket's lane when it is not the default one (a pass put it there). */
  lane: v.optional(v.string()),
  /**
   * Only in a join's answer: the pass sent was refused (one of PassRefusalSchema's codes), and the join went
   * to the default lane. Any string here: a code a newer server adds must not make a widget refuse the answer.
   */
  passRefused: v.optional(v.string()),
});
export type TicketStatus = v.InferOutput<typeof TicketStatusSchema>;

export const RoomStatusSchema = v.object({
  room: RoomIdSchema,
  open: v.boolean(),
  waiting: NonNegativeInt,
  active: NonNegativeInt,
  capacity: NonNegativeInt,
  admitPerMinute: NonNegativeInt,
  etaSeconds: NullableSeconds,
});
export type RoomStatus = v.InferOutput<typeof RoomStatusSchema>;

/** A public JWK (no private member): EC P-256 for ES256, OKP Ed25519 for EdDSA, RSA for RS256. */
export const PassPublicKeySchema = v.pipe(
  v.looseObject({ kty: v.picklist(['EC', 'OKP', 'RSA']), kid: v.optional(v.pipe(v.string(), v.maxLength(256))) }),
  v.check((jwk) => !['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => member in jwk), 'a pass key must be a public key: remove its private member "d"'),
);

/** Where a room's pass-verifying keys come from: listed here, or the ENT's JWKS URL (fetched, cached), or both. */
export const PassKeysSchema = v.pipe(
  v.strictObject({
    publicKeys: v.optional(v.pipe(v.array(PassPublicKeySchema), v.maxLength(8, 'at most 8 public keys'))),
    // https: whoever sits between this server and a plain-http JWKS serves their own keys and mints staff
    // passes. Plain http only on loopback (a JWKS proxy on the same host, tests).
    jwksUrl: v.optional(
      v.pipe(
        v.string(),
        v.maxLength(2048),
        v.url(),
        v.regex(/^(https:\/\/|http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?\/)/, 'jwksUrl must be an https URL (plain http only on loopback)'),
      ),
    ),
  }),
  v.check((keys) => (keys.publicKeys?.length ?? 0) > 0 || keys.jwksUrl !== undefined, 'passKeys needs publicKeys or a jwksUrl'),
);
export type PassKeys = v.InferOutput<typeof PassKeysSchema>;

const TimeOfDaySchema = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day "HH:MM", like "08:30"'));

/** A lane of a room (docs/protocol.md, "Lanes"): a share of the admissions, optionally within a daily window. */
export const LaneSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,31}$/), v.notValue('default')),
  share: v.pipe(v.number(), v.gtValue(0), v.ltValue(1)),
  window: v.optional(
    v.strictObject({
      from: TimeOfDaySchema,
      to: v.optional(TimeOfDaySchema),
      timeZone: v.optional(v.pipe(v.string(), v.maxLength(64), v.check(isTimeZone))),
      shareOutside: v.optional(v.pipe(v.number(), v.minValue(0), v.ltValue(1))),
    }),
  ),
});

/** Up to 8 lanes, names unique, the default lane left at least 5 % of the admissions. */
export const LanesSchema = v.pipe(
  v.array(LaneSchema),
  v.maxLength(8),
  v.check((lanes) => new Set(lanes.map((lane) => lane.name)).size === lanes.length),
  v.check((lanes) => lanes.reduce((sum, lane) => sum + Math.max(lane.share, lane.window?.shareOutside ?? 0), 0) <= 0.95 + 1e-9),
);

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Body of PUT /admin/rooms/{room}. Every field optional: absent fields keep their value. */
export const RoomConfigSchema = v.strictObject({
  capacity: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10_000_000))),
  admitPerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000_000))),
  open: v.optional(v.boolean()),
  /** Scheduled opening (ISO 8601 with a time zone), or null to remove it. Early arrivals are shuffled at opening. */
  opensAt: v.optional(v.nullable(v.pipe(v.string(), v.isoTimestamp('opensAt must be an ISO 8601 time like 2026-09-01T08:00:00+02:00')))),
  /** Keys that verify the room's passes (src/server/passes/), or null to remove them. Kept apart from the queue store. */
  passKeys: v.optional(v.nullable(PassKeysSchema)),
  /** Priority lanes (docs/protocol.md, "Lanes"); [] removes them. */
  lanes: v.optional(LanesSchema),
});
export type RoomConfig = v.InferOutput<typeof RoomConfigSchema>;

export const ErrorCodeSchema = v.picklist([
  'bad-request',
  'bad-room',
  'bad-json',
  'unauthorized',
  'forbidden',
  'room-not-found',
  'ticket-not-found',
  'not-found',
  'ticket-expired',
  /** 410: the pupil was admitted but did not come back within the room's admitGrace; the seat went to the next pupil. */
  'admission-unclaimed',
  'payload-too-large',
  /** 415: a join must be JSON (Content-Type: application/json), so that browsers preflight it. */
  'unsupported-media-type',
  'rate-limited',
  'unavailable',
  'internal',
  /** 428: the room asks joins for a proof of work; the body's `pow` is the challenge to solve. */
  'pow-required',
]);
export type ErrorCode = v.InferOutput<typeof ErrorCodeSchema>;

export const ErrorBodySchema = v.object({
  error: v.object({ code: v.string(), message: v.string() }),
});
export type ErrorBody = { error: { code: ErrorCode; message: string } };
