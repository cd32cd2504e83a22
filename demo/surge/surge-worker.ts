/**
 * Runs the Tuesday-morning simulation off the main thread. Both runs take about a second on a laptop and
 * several on a school's old PC: in a worker, the page stays scrollable and the rest of it usable meanwhile.
 * Why in the browser rather than a JSON file made at build time: the figures then always come from the
 * simulator and scheduler the page ships with (no generated file to forget to refresh), and the cost is
 * one second of a background thread.
 */
import { replayAutopilotMorning } from '../../src/sim/autopilot-replay.js';
import { replaySurge } from '../../src/sim/surge-replay.js';
import { TUESDAY_8AM, TUESDAY_MODELS } from '../../src/sim/tuesday-scenario.js';
import type { SurgeWorkerAnswer } from './surge-messages.js';

const answer = (message: SurgeWorkerAnswer): void => postMessage(message);

addEventListener('message', () => {
  const started = performance.now();
  replaySurge(TUESDAY_8AM, TUESDAY_MODELS).then(
    // The autopilot morning takes a tenth of a second more (16 000 pupils, one-second steps).
    (replay) => answer({ kind: 'replay', replay, autopilot: replayAutopilotMorning(), simulationMs: performance.now() - started }),
    (error: unknown) => answer({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
