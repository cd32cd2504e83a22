/** What the simulation worker answers, once, to the page's one message (any message starts the run). */
import type { AutopilotReplay } from '../../src/sim/autopilot-replay.js';
import type { SurgeReplay } from '../../src/sim/surge-replay.js';

export type SurgeWorkerAnswer =
  | {
      readonly kind: 'replay';
      readonly replay: SurgeReplay;
      /** The autopilot morning: the ENT loses a server at 8:05. */
      readonly autopilot: AutopilotReplay;
      /** Wall time of the simulations in the worker. */
      readonly simulationMs: number;
    }
  | { readonly kind: 'error'; readonly message: string };
