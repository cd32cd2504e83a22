/**
 * Solves a join's proof-of-work challenge (docs/protocol.md, "Proof of work"). The widget imports this
 * module on demand, only when a room asks for a proof, so the login bundle does not carry it.
 *
 * The search runs in a Web Worker, the first of these that starts:
 * 1. `antichambre-pow-worker.js` next to this chunk, when the widget is on the page's own origin: what an
 *    ENT with a strict CSP has (its `script-src 'self'` requires it), and what `worker-src 'self'` allows;
 * 2. a `blob:` worker made from this module's own search, when the widget comes from another origin (a
 *    page cannot start a worker from another origin's URL);
 * 3. none (a CSP without `blob:` in `worker-src`, an old browser): the page searches itself, in slices of
 *    `sliceTries`, yielding between them so that it stays responsive.
 * Under Trusted Types the worker URLs go through a policy named `antichambre-pow`.
 */
import type { PowSolution } from '../protocol/protocol.js';
import { searchPow } from './pow-search.js';
import { isPowChallenge } from './pow-guards.js';

/** Starts a worker running `source` (the search and its message handler), or throws. */
export type MakeWorker = (source: string) => Worker;

export interface SolveOptions {
  /** The workers to try in turn; tests pass one that throws to exercise the page's fallback. */
  workers?: readonly MakeWorker[];
  /** Tries per main-thread slice: ~5 ms on a desktop core, ~40 ms on a cheap phone (docs/defences.md). */
  sliceTries?: number;
}

/** Built by scripts/build.mjs next to the widget's files. A variable, so Vite leaves the URL alone. */
const WORKER_FILE = 'antichambre-pow-worker.js';

interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}
let policy: ScriptUrlPolicy | undefined;

/** The URL as Trusted Types want it where they are enforced; the policy only ever sees our two worker URLs. */
function scriptUrl(url: string): string {
  type Factory = { createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy };
  const trustedTypes = (globalThis as { trustedTypes?: Factory }).trustedTypes;
  if (!trustedTypes) return url;
  policy ??= trustedTypes.createPolicy('antichambre-pow', { createScriptURL: (given) => given });
  return policy.createScriptURL(url) as string;
}

const fileWorker: MakeWorker = () => {
  const file = new URL(WORKER_FILE, import.meta.url);
  if (file.origin !== location.origin) throw new Error('antichambre: the worker file is on another origin');
  return new Worker(scriptUrl(file.href));
};

// `__name`: the no-op of the helper esbuild's keepNames (tsx, dev servers) calls inside function bodies.
const blobWorker: MakeWorker = (source) => new Worker(scriptUrl(URL.createObjectURL(new Blob([`var __name=(f)=>f;${source}`], { type: 'text/javascript' }))));

/** `challenge`: the `pow` of a join's 428 answer, checked here (pow-guards.ts) rather than in the login bundle. */
export async function solvePow(
  challenge: unknown,
  signal?: AbortSignal,
  { workers = [fileWorker, blobWorker], sliceTries = 5000 }: SolveOptions = {},
): Promise<PowSolution> {
  if (!isPowChallenge(challenge)) throw new Error('antichambre: malformed proof-of-work challenge');
  const { maxnumber, ...rest } = challenge;
  const task: [string, string, number, number] = [challenge.salt, challenge.challenge, 0, maxnumber + 1];
  // The function's own text under a fixed name: a minifier may have renamed the declaration.
  const source = `const searchPow=${searchPow};onmessage=(e)=>postMessage(searchPow(...e.data))`;
  let found: number | undefined;
  for (const make of workers) {
    found ??= await inWorker(make, source, task, signal);
  }
  found ??= await onPage(task, sliceTries, signal);
  if (found < 0) throw new Error('antichambre: proof-of-work challenge has no solution');
  return { ...rest, number: found };
}

/** The number, or undefined when this worker could not start (then the next way is tried). */
function inWorker(make: MakeWorker, source: string, task: [string, string, number, number], signal?: AbortSignal): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = make(source);
    } catch {
      return resolve(undefined);
    }
    const end = () => worker.terminate();
    signal?.addEventListener('abort', () => (end(), reject(signal.reason)), { once: true });
    // A missing file or a CSP refusal comes as an error event, not an exception.
    worker.onerror = (event) => (event.preventDefault(), end(), resolve(undefined));
    worker.onmessage = (event: MessageEvent<number>) => (end(), resolve(event.data));
    worker.postMessage(task);
  });
}

async function onPage([salt, challenge, from, to]: [string, string, number, number], sliceTries: number, signal?: AbortSignal): Promise<number> {
  for (let start = from; start < to; start += sliceTries) {
    signal?.throwIfAborted();
    const found = searchPow(salt, challenge, start, Math.min(start + sliceTries, to));
    if (found >= 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return -1;
}
