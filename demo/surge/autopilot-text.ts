/**
 * The French of the autopilot morning on the teachers' page: its figures, read from the replayed data
 * (src/sim/autopilot-replay.ts), and the sentences they make. The sentence is the chart's text
 * alternative, so it says what the lines show: how the seats followed the hidden capacity, and for how
 * long the ENT's pages were slower than its target.
 */
import type { AutopilotReplay } from '../../src/sim/autopilot-replay.js';
import { clockAt, duration, formatNumber, typeset } from './surge-text.js';

export interface AutopilotFigures {
  /** Pupils the ENT takes at once under its target, just before the server is lost and while it is. */
  entBefore: number;
  entDuring: number;
  /** Seats open just before the loss, and the fewest while it lasts. */
  seatsBefore: number;
  lowestSeats: number;
  /** Seconds from the loss to the first seat closed; null if none was. */
  firstCutS: number | null;
  /** Seconds the ENT's p95 was over its target, over the chart and while the server was lost. */
  overTargetS: number;
  overTargetDuringLossS: number;
  /** Second (from the start) from which the ENT stays under its target after the loss; null if never. */
  underTargetAgainAtS: number | null;
  /** Seconds after the server is back until the seats are back to `seatsBefore`; null if not on the chart. */
  seatsBackS: number | null;
}

export function autopilotFigures(replay: AutopilotReplay): AutopilotFigures {
  const { dropAtS, dropForS, seconds, seats, p95Ms, targetMs, entSeats } = replay;
  const backAtS = Math.min(seconds, dropAtS + dropForS);
  const seatsBefore = seats[dropAtS - 1];
  const during = seats.slice(dropAtS, backAtS);
  const cut = during.findIndex((n) => n < seatsBefore);
  const over = (s: number): boolean => p95Ms[s] > targetMs;
  let overTargetS = 0;
  let overTargetDuringLossS = 0;
  let lastOverInLoss = -1;
  for (let s = 0; s < seconds; s++) {
    if (!over(s)) continue;
    overTargetS++;
    if (s >= dropAtS && s < backAtS) {
      overTargetDuringLossS++;
      lastOverInLoss = s;
    }
  }
  const back = seats.slice(backAtS).findIndex((n) => n >= seatsBefore);
  return {
    entBefore: entSeats[dropAtS - 1],
    entDuring: entSeats[dropAtS],
    seatsBefore,
    lowestSeats: Math.min(...during),
    firstCutS: cut < 0 ? null : cut + 1,
    overTargetS,
    overTargetDuringLossS,
    underTargetAgainAtS: lastOverInLoss < 0 ? dropAtS : lastOverInLoss + 1 < backAtS ? lastOverInLoss + 1 : null,
    seatsBackS: back < 0 ? null : back,
  };
}

/** The heading and the paragraph that set the scene, from the replay itself. */
export function autopilotIntro(replay: AutopilotReplay): { title: string; intro: string } {
  const clock = { startClock: replay.startClock };
  return {
    title: `Quand l'ENT perd un serveur à ${clockAt(clock, replay.dropAtS)}`,
    intro: typeset(
      `Un autre matin, sur un ENT plus grand : ${formatNumber(replay.pupils)} élèves se connectent à partir de ${clockAt(clock, 0)}. ` +
        `À ${clockAt(clock, replay.dropAtS)}, un des serveurs de l'ENT tombe pendant ${duration(replay.dropForS)}. antichambre ne connaît pas ` +
        `la capacité de l'ENT : son pilote automatique mesure le temps de réponse des pages et ouvre ou ferme des places pour ` +
        `que ses pages se chargent en moins de ${formatNumber(replay.targetMs / 1000)} s. Le graphique montre ensemble ce que l'ENT peut accueillir, que le pilote ` +
        `ne voit pas, les places qu'il ouvre et les élèves connectés.`,
    ),
  };
}

/** What the chart shows, in a few sentences chosen from the figures. */
export function autopilotSummary(replay: AutopilotReplay): string {
  const f = autopilotFigures(replay);
  const clock = { startClock: replay.startClock };
  const at = (s: number): string => clockAt(clock, s, true);
  let text = `À ${clockAt(clock, replay.dropAtS)}, l'ENT ne peut plus accueillir que ${formatNumber(f.entDuring)} élèves à la fois au lieu de ${formatNumber(f.entBefore)}. `;
  text +=
    f.firstCutS === null
      ? `Ses pages restent rapides : le pilote automatique garde ses ${formatNumber(f.seatsBefore)} places.`
      : `Le pilote automatique ne le sait pas, mais il voit les pages ralentir : ${f.firstCutS <= 1 ? 'dans la seconde' : `en ${duration(f.firstCutS)}`}, ` +
        `il réduit les places, de ${formatNumber(f.seatsBefore)} à ${formatNumber(f.lowestSeats)} au plus bas.`;
  if (f.overTargetDuringLossS > 0) {
    text +=
      ` Les élèves déjà connectés ne partent qu'à la fin de leur séance : pendant la panne, les pages mettent plus de ` +
      `${formatNumber(replay.targetMs / 1000)} s durant ${duration(f.overTargetDuringLossS)} en tout` +
      (f.underTargetAgainAtS === null ? ", jusqu'au retour du serveur." : `, et restent rapides à partir de ${at(f.underTargetAgainAtS)}.`);
  }
  text += ` Sur toute la matinée, l'ENT dépasse son temps de réponse cible pendant ${f.overTargetS === 0 ? '0 s' : duration(f.overTargetS)}.`;
  text +=
    ` À ${clockAt(clock, replay.dropAtS + replay.dropForS)}, le serveur revient : ` +
    (f.seatsBackS === null
      ? `les places remontent, sans retrouver sur le graphique leur niveau d'avant (${formatNumber(f.seatsBefore)}).`
      : `les places retrouvent leur niveau d'avant (${formatNumber(f.seatsBefore)}) en ${duration(f.seatsBackS)}.`);
  return typeset(text);
}
