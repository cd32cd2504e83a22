/**
 * The hand guard of a join's 428 challenge (PowChallengeSchema), in the style of protocol-guards.ts and
 * pinned to its schema by the same test. A module of its own: only the lazy pow-solver chunk uses it, and
 * inside protocol-guards.ts it would land in the login bundle (~90 bytes gzipped the budget cannot spare).
 */
import type { PowChallenge } from '../protocol/protocol.js';
import { isObject, isText } from '../protocol/protocol-guards.js';

const HEX_64 = /^[0-9a-f]{64}$/;

export const isPowChallenge = (value: unknown): value is PowChallenge =>
  isObject(value) &&
  value.algorithm === 'SHA-256' &&
  isText(value.challenge, HEX_64) &&
  Number.isInteger(value.maxnumber) &&
  (value.maxnumber as number) >= 1 &&
  (value.maxnumber as number) <= 1e9 &&
  isText(value.salt, undefined, 512) &&
  isText(value.signature, HEX_64);
