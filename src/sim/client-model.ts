/**
 * How a virtual pupil's page decides when to ask the queue server next. One model per policy compared in
 * the surge benchmark (docs/benchmarks.md): antichambre's real scheduler and models of peers' published
 * client behaviour. Pure functions of an opaque per-pupil state, so the simulator can keep 100,000 of them.
 */
import type { Random } from '../core/wait/clock.js';

/** What the page got back from one poll. */
export type Answer =
  | { readonly kind: 'ok'; readonly pollAfterMs: number; readonly etaSeconds: number | null; readonly position: number }
  | { readonly kind: 'network' };

export interface NextPoll<S> {
  readonly state: S;
  readonly delayMs: number;
}

export interface ClientModel<S = unknown> {
  readonly name: string;
  /** How long the peer's server keeps a waiting place without a request (its place-keeping rule). */
  readonly waitingTtlMs: number;
  /** Requests one poll costs (the AWS sample page polls two counters). */
  readonly requestsPerPoll: number;
  /** A fresh page. */
  create(): S;
  /** After an answer or a failure: when to poll next; null when the page gives up (the pupil reloads and joins again). */
  next(state: S, answer: Answer, now: number, random: Random): NextPoll<S> | null;
}

/** Any model, its state type erased: what lists of policies hold (`next` is a method, so this is sound). */
export type AnyClientModel = ClientModel<unknown>;
