/** What the simulation worker answers, once, to the page's one message (any message starts the run). */
import type { SurgeReplay } from '../../src/sim/surge-replay.js';

export type SurgeWorkerAnswer =
  | { readonly kind: 'replay'; readonly replay: SurgeReplay; /** Wall time of the simulation in the worker. */ readonly simulationMs: number }
  | { readonly kind: 'error'; readonly message: string };
