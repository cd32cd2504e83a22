/**
 * Reads the `idle-timeout` and `idle-warning` attributes (whole seconds). A typo must never become a
 * zero timeout that releases every pupil at once, nor silently disable the feature: a bad value falls
 * back to the default and comes with an error the element prints with console.error.
 *
 * Plain code rather than a valibot pipe: <antichambre-session> ships as a chunk of the login-page
 * bundle, and any valibot function it used would land in that bundle (valibot is one module).
 */
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_IDLE_WARNING_MS, MIN_WARNING_MS } from './idle.js';

/** A day: a longer timeout is a mistake (and past the server's own session limits). */
export const MAX_IDLE_TIMEOUT_S = 86_400;
/** An hour-long countdown is a mistake too. */
export const MAX_IDLE_WARNING_S = 3_600;

export const IdleConfigErrorCode = {
  BAD_TIMEOUT: 'bad-idle-timeout',
  BAD_WARNING: 'bad-idle-warning',
  WARNING_TOO_SHORT: 'idle-warning-too-short',
} as const;
export type IdleConfigErrorCode = (typeof IdleConfigErrorCode)[keyof typeof IdleConfigErrorCode];

export interface IdleConfigError {
  readonly code: IdleConfigErrorCode;
  readonly attribute: 'idle-timeout' | 'idle-warning';
  /** The attribute exactly as written. */
  readonly value: string;
  /** English, for developers; pupils never see it. */
  readonly message: string;
}

export interface IdleConfig {
  readonly timeoutMs: number;
  readonly warningMs: number;
  /** Empty when both attributes were absent or valid. */
  readonly errors: readonly IdleConfigError[];
}

/**
 * Absent attributes (null or undefined) mean the defaults, without an error. A number is accepted too: a
 * page that sets the element's `idleTimeout` property from JavaScript may well write `el.idleTimeout = 120`.
 */
export function parseIdleConfig(attributes: { idleTimeout?: Seconds; idleWarning?: Seconds }): IdleConfig {
  const errors: IdleConfigError[] = [];
  const { idleTimeout, idleWarning } = attributes;
  const timeoutS = parseSeconds('idle-timeout', idleTimeout, DEFAULT_IDLE_TIMEOUT_MS / 1000, MAX_IDLE_TIMEOUT_S, errors);
  let warningS = parseSeconds('idle-warning', idleWarning, DEFAULT_IDLE_WARNING_MS / 1000, MAX_IDLE_WARNING_S, errors);
  const minimumS = MIN_WARNING_MS / 1000;
  if (warningS < minimumS) {
    // Clamped rather than reset to the default: the author clearly wanted a short warning.
    errors.push({
      code: IdleConfigErrorCode.WARNING_TOO_SHORT,
      attribute: 'idle-warning',
      value: String(idleWarning),
      message:
        `idle-warning="${idleWarning}" is shorter than the ${minimumS} s that WCAG 2.2.1 requires ` +
        `to respond; using ${minimumS} s.`,
    });
    warningS = minimumS;
  }
  return { timeoutMs: timeoutS * 1000, warningMs: warningS * 1000, errors };
}

type Seconds = string | number | null | undefined;

function parseSeconds(
  attribute: IdleConfigError['attribute'],
  given: Seconds,
  defaultS: number,
  maxS: number,
  errors: IdleConfigError[],
): number {
  if (given === null || given === undefined) return defaultS;
  const raw = String(given);
  const text = raw.trim();
  const seconds = Number(text);
  const reason = !/^\d+$/.test(text)
    ? 'is not a whole number of seconds (write e.g. "900", without units or decimals)'
    : seconds < 1
      ? 'must be at least 1 second'
      : seconds > maxS
        ? `is more than ${maxS} seconds`
        : null;
  if (reason === null) return seconds;
  errors.push({
    code: attribute === 'idle-timeout' ? IdleConfigErrorCode.BAD_TIMEOUT : IdleConfigErrorCode.BAD_WARNING,
    attribute,
    value: raw,
    message: `${attribute}="${raw}" ${reason}; using the default (${defaultS} s).`,
  });
  return defaultS;
}
