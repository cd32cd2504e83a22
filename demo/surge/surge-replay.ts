/**
 * The teachers' page's surge replay: "un mardi à 8 h 00", thousands of pupils in a few minutes, replayed by
 * the project's simulator (src/sim) with antichambre's page and with everyone pressing Reload, in three
 * plots with their sentences and tables; then the autopilot morning, where the ENT loses a server at 8:05,
 * its hidden capacity and the seats the autopilot opens on one chart. The page calls
 * `mountSurgeReplay(container)` once; the simulations run in a worker (surge-worker.ts says why there
 * rather than at build time), then the section renders.
 */
import 'uplot/dist/uPlot.min.css';
import './surge.css';
import type { AutopilotReplay } from '../../src/sim/autopilot-replay.js';
import type { SurgeReplay } from '../../src/sim/surge-replay.js';
import { autopilotIntro, autopilotSummary } from './autopilot-text.js';
import { element } from './surge-dom.js';
import type { SurgeWorkerAnswer } from './surge-messages.js';
import { type PlotSpec, type SurgePlot, createPlot, createSurgePlot } from './surge-plot.js';
import { clockAt, enteredSummary, formatNumber, introText, requestsSummary, waitingSummary } from './surge-text.js';

/** How long the replay animation lasts, whatever the length of the morning. */
const REPLAY_MS = 12_000;
let mounted = 0;

export async function mountSurgeReplay(container: HTMLElement): Promise<void> {
  const id = `surge-titre${mounted++ ? `-${mounted}` : ''}`;
  const heading = element('h2', { id }, 'Un mardi à 8 h 00');
  const status = element('p', { class: 'surge-status', role: 'status' }, 'Simulation de la matinée en cours…');
  const root = element('div', { class: 'surge', 'aria-busy': 'true' }, heading, status);
  container.append(root);
  if (container.matches('section') && !container.hasAttribute('aria-labelledby') && !container.hasAttribute('aria-label')) {
    container.setAttribute('aria-labelledby', id);
  }

  let answer: SurgeWorkerAnswer;
  try {
    answer = await runSimulation();
  } catch (error) {
    answer = { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  root.removeAttribute('aria-busy');
  if (answer.kind === 'error') {
    status.textContent = "La simulation n'a pas pu être calculée dans ce navigateur.";
    throw new Error(`surge replay: ${answer.message}`);
  }
  render(root, heading, status, answer.replay, answer.simulationMs);
  renderAutopilot(status, answer.autopilot);
}

function runSimulation(): Promise<SurgeWorkerAnswer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./surge-worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<SurgeWorkerAnswer>) => {
      worker.terminate();
      resolve(event.data);
    });
    worker.addEventListener('error', (event) => {
      worker.terminate();
      reject(new Error(event.message || 'the simulation worker failed to start'));
    });
    worker.postMessage('run');
  });
}

function render(root: HTMLElement, heading: HTMLElement, status: HTMLElement, replay: SurgeReplay, simulationMs: number): void {
  const { title, intro } = introText(replay);
  heading.textContent = title;
  const plots: SurgePlot[] = [];
  const figures = element('div', { class: 'surge-figures' });
  status.before(element('p', { class: 'surge-intro' }, intro), replayControls(replay, plots), figures);
  // Plots are created once their box is in the document, so they are drawn at its width from the start.
  const specs: PlotSpec[] = [
    { caption: 'Élèves en attente', yLabel: 'Élèves', unit: 'élèves', values: (p) => p.waiting, perMinute: 'at', summary: waitingSummary(replay) },
    { caption: "Élèves entrés dans l'ENT (cumul)", yLabel: 'Élèves (cumul)', unit: 'élèves', values: (p) => p.entered, perMinute: 'at', summary: enteredSummary(replay) },
    { caption: 'Requêtes reçues par le serveur', yLabel: 'Requêtes/s', unit: 'requêtes/s', values: (p) => p.requests, perMinute: 'mean', summary: requestsSummary(replay) },
  ];
  for (const spec of specs) plots.push(createSurgePlot(replay, spec, figures));
  const { scenario } = replay;
  status.textContent =
    `Calculé à l'instant dans votre navigateur par le simulateur d'antichambre (${formatNumber(scenario.pupils)} élèves virtuels, ` +
    `graine ${scenario.seed}) en ${(simulationMs / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s.`;
  root.dataset.simulationMs = String(Math.round(simulationMs));
}

/** The autopilot morning: its own heading, the scene, and one chart whose sentence is its text alternative. */
function renderAutopilot(status: HTMLElement, replay: AutopilotReplay): void {
  const { title, intro } = autopilotIntro(replay);
  const figures = element('div', { class: 'surge-figures' });
  // Before the status line, which stays last: how and how fast all this was computed.
  status.before(element('h3', { class: 'surge-autopilot' }, title), element('p', { class: 'surge-intro' }, intro), figures);
  const lines = [
    { label: 'Places ouvertes par le pilote automatique', values: replay.seats },
    { label: "Ce que l'ENT peut accueillir (caché au pilote)", values: replay.entSeats },
    { label: "Élèves connectés à l'ENT", values: replay.sessions },
  ];
  createPlot(
    { clock: { startClock: replay.startClock }, seconds: replay.seconds, lines },
    { caption: "Places et capacité cachée de l'ENT", yLabel: 'Élèves à la fois', unit: 'élèves', perMinute: 'at', summary: autopilotSummary(replay) },
    figures,
  );
}

/**
 * "Rejouer la matinée": the three plots draw the morning again in 12 s, with the clock beside the button.
 * People who ask for reduced motion get no animation: the plots already show the whole morning.
 */
function replayControls(replay: SurgeReplay, plots: SurgePlot[]): HTMLElement {
  const reduced = matchMedia('(prefers-reduced-motion: reduce)');
  const clock = element('span', { class: 'surge-clock' });
  const button = element('button', { type: 'button', class: 'surge-play' }, 'Rejouer la matinée');
  const box = element('div', { class: 'surge-controls' }, button, clock);
  let frame = 0;
  const stop = (): void => {
    cancelAnimationFrame(frame);
    frame = 0;
    for (const plot of plots) plot.show();
    button.textContent = 'Rejouer la matinée';
    clock.textContent = '';
  };
  button.addEventListener('click', () => {
    if (frame || reduced.matches) return stop();
    const started = performance.now();
    button.textContent = 'Arrêter';
    const step = (now: number): void => {
      const progress = Math.min(1, (now - started) / REPLAY_MS);
      const second = progress * replay.seconds;
      for (const plot of plots) plot.show(second);
      clock.textContent = clockAt(replay.scenario, Math.min(second, replay.seconds - 1));
      frame = progress < 1 ? requestAnimationFrame(step) : 0;
      if (!frame) stop();
    };
    frame = requestAnimationFrame(step);
  });
  reduced.addEventListener('change', () => frame && stop());
  box.hidden = reduced.matches;
  reduced.addEventListener('change', () => (box.hidden = reduced.matches));
  return box;
}
