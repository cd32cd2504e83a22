/**
 * Every French word of the surge replay that depends on the numbers: clock times, figures and the
 * sentences beside the plots. Each sentence is chosen from the data, so it stays true if the scenario or
 * the scheduler changes (e.g. it no longer says "no sooner" if reloading ever got pupils in sooner).
 */
import type { ReplayedPolicy, SurgeReplay } from '../../src/sim/surge-replay.js';
import type { Scenario } from '../../src/sim/scenario.js';

/** No-break space: "8 h 02" or "5 s" never breaks across lines. */
const NBSP = '\u00a0';
const number = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** 2 946 (with the French thin no-break space). */
export const formatNumber = (n: number): string => number.format(n);

/** Policy name (src/sim) → what a teacher reads in legends and sentences. */
export function policyLabel(name: string): { short: string; long: string } {
  if (name === 'antichambre') return { short: 'Avec antichambre', long: 'avec antichambre' };
  const reload = /^reload-(\d+(?:\.\d+)?)s$/.exec(name);
  if (reload) {
    const period = `${oneDecimal.format(Number(reload[1]))}${NBSP}s`;
    return { short: `Actualiser toutes les ${period}`, long: `quand tout le monde appuie sur « Actualiser » toutes les ${period} environ` };
  }
  return { short: name, long: name };
}

/** Seconds since the scenario's start → wall clock: "8 h 02", or "8 h 09 min 47 s" with seconds (no-break spaces). */
export function clockAt(scenario: Pick<Scenario, 'startClock'>, second: number, withSeconds = false): string {
  const total = clockSeconds(scenario) + Math.round(second);
  const hours = Math.floor(total / 3600) % 24;
  const minutes = String(Math.floor(total / 60) % 60).padStart(2, '0');
  const clock = `${hours}${NBSP}h${NBSP}${minutes}`;
  return withSeconds ? `${clock}${NBSP}min${NBSP}${String(total % 60).padStart(2, '0')}${NBSP}s` : clock;
}

/** The scenario's start as seconds since midnight ("07:58" → 28 680). */
export function clockSeconds(scenario: Pick<Scenario, 'startClock'>): number {
  const [h, m] = scenario.startClock.split(':').map(Number);
  return h * 3600 + m * 60;
}

/** 235 → "3 min 55 s". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}${NBSP}s`;
  const rest = s % 60;
  const minutes = `${Math.floor(s / 60)}${NBSP}min`;
  return rest === 0 ? minutes : `${minutes}${NBSP}${String(rest).padStart(2, '0')}${NBSP}s`;
}

/** The heading and the paragraph that set the scene, from the scenario itself. */
export function introText(replay: SurgeReplay): { title: string; intro: string } {
  const { scenario } = replay;
  const [ours, other] = replay.policies;
  const arrivalEnd = clockAt(scenario, scenario.arrivalWindowS);
  return {
    title: `Un mardi à ${clockAt(scenario, scenario.arrivalPeakS)} : ${formatNumber(scenario.pupils)} élèves en quelques minutes`,
    intro: typeset(
      `Ce mardi, ${formatNumber(scenario.pupils)} élèves se connectent à l'ENT entre ${clockAt(scenario, 0)} et ${arrivalEnd}, ` +
      `la plupart vers ${clockAt(scenario, scenario.arrivalPeakS)}. L'ENT ne peut faire entrer que ` +
      `${formatNumber(scenario.admitPerMinute)} élèves par minute : une file se forme. Nous avons rejoué ce matin-là avec le ` +
      `simulateur d'antichambre, deux fois : ${policyLabel(ours.name).long}, puis ${policyLabel(other.name).long}.`,
    ),
  };
}

const closeEnough = (a: readonly number[], b: readonly number[], tolerance: number): boolean => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

export function waitingSummary(replay: SurgeReplay): string {
  const { scenario } = replay;
  const [ours, other] = replay.policies;
  const peak = `Au plus fort, ${formatNumber(ours.peakWaiting)} élèves attendent en même temps, vers ${clockAt(scenario, ours.waiting.indexOf(ours.peakWaiting))}.`;
  if (closeEnough(ours.waiting, other.waiting, 0.02 * ours.peakWaiting)) {
    return typeset(`${peak} Les deux courbes se confondent : la file avance au rythme de l'ENT, ${formatNumber(scenario.admitPerMinute)} élèves par minute, qu'on appuie sur « Actualiser » ou non.`);
  }
  return typeset(`${peak} ${capitalise(policyLabel(other.name).long)}, jusqu'à ${formatNumber(other.peakWaiting)} élèves attendent.`);
}

export function enteredSummary(replay: SurgeReplay): string {
  const { scenario } = replay;
  const [ours, other] = replay.policies;
  const when = (p: ReplayedPolicy): string => (p.everyoneInS === null ? 'jamais pour certains' : `à ${clockAt(scenario, p.everyoneInS, true)}`);
  let text = `${capitalise(policyLabel(ours.name).long)}, le dernier élève entre ${when(ours)} ; ${policyLabel(other.name).long}, ${when(other)}.`;
  if (ours.everyoneInS !== null && other.everyoneInS !== null) {
    const gain = ours.everyoneInS - other.everyoneInS;
    text += gain <= 5 ? ' Appuyer sur « Actualiser » ne fait entrer personne plus tôt.' : ` Appuyer sur « Actualiser » fait entrer le dernier élève ${duration(gain)} plus tôt.`;
  }
  const meanOurs = Math.round(ours.meanWaitS);
  const meanOther = Math.round(other.meanWaitS);
  text +=
    Math.abs(meanOurs - meanOther) <= 5
      ? ` En moyenne, un élève attend ${duration((meanOurs + meanOther) / 2)} dans les deux cas.`
      : ` En moyenne, un élève attend ${duration(meanOurs)} ${policyLabel(ours.name).long}, ${duration(meanOther)} ${policyLabel(other.name).long}.`;
  return typeset(text);
}

export function requestsSummary(replay: SurgeReplay): string {
  const [ours, other] = replay.policies;
  const limit = replay.scenario.serverRequestsPerSecond;
  const unanswered = (p: ReplayedPolicy): string =>
    p.failedTotal === 0 ? 'aucune' : `${formatNumber(p.failedTotal)} (${formatNumber(Math.round((100 * p.failedTotal) / Math.max(1, p.requestsTotal)))} %)`;
  const overload =
    limit !== undefined && ours.failedTotal + other.failedTotal > 0
      ? ` Ce serveur répond au plus à ${formatNumber(limit)} requêtes par seconde ; au-delà, l'élève voit une page d'erreur. ` +
        `Requêtes restées sans réponse ${policyLabel(ours.name).long} : ${unanswered(ours)} ; ${policyLabel(other.name).long} : ${unanswered(other)}.`
      : '';
  const ratio = other.peakRequestsPerSecond / Math.max(1, ours.peakRequestsPerSecond);
  const times = ratio >= 1.5 ? ` : ${oneDecimal.format(Math.round(ratio))} fois plus` : '';
  return typeset(
    `${capitalise(policyLabel(ours.name).long)}, le serveur reçoit au plus ${formatNumber(ours.peakRequestsPerSecond)} requêtes par seconde ; ` +
    `sans, ${formatNumber(other.peakRequestsPerSecond)}${times}. Jusqu'à ce que tout le monde soit entré : ` +
    `${formatNumber(ours.requestsTotal)} requêtes contre ${formatNumber(other.requestsTotal)}. La page d'antichambre revient ` +
    `moins souvent quand l'attente est longue : c'est le serveur qui lui dit quand revenir. Et nous avons compté une ` +
    `seule requête par appui sur « Actualiser », alors qu'une vraie page en demande plusieurs.` +
    overload
  );
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** French punctuation keeps its space: no line starts with « : », « ; » or « » ». */
export const typeset = (text: string): string => text.replace(/ ([:;?!»])/g, `${NBSP}$1`).replace(/« /g, `«${NBSP}`);
