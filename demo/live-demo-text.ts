/** The French the live demo shows: counts, plurals, and what the phone is showing right now. */
import type { PupilReport } from './pupil-messages.js';

const numbers = new Intl.NumberFormat('fr-FR');

/** "1 000" with the French thousands separator. */
export function formatCount(n: number): string {
  return numbers.format(n);
}

/** "1 élève", "0 élève", "30 élèves": French counts 0 and 1 as singular. */
export function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n > 1 ? many : one}`;
}

export function describePupil(report: PupilReport): string {
  switch (report.kind) {
    case 'walk-away-pending':
      return "Dans la file ; posera son téléphone une fois entré";
    case 'session':
      return 'Connecté à l’ENT, téléphone posé';
    case 'released':
      return report.reason === 'idle' ? 'Place libérée après inactivité' : 'Place libérée';
    case 'queue':
      switch (report.phase) {
        case 'waiting':
          return report.position === null ? 'Dans la file' : `Dans la file, position ${formatCount(report.position)}`;
        case 'admitted':
          return 'Admis : le formulaire de connexion est affiché';
        case 'reconnecting':
        case 'error':
          return 'Connexion perdue, sa place est gardée';
        case 'expired':
          return 'Sa place a expiré';
        default:
          return 'Entre dans la file…';
      }
  }
}

/**
 * "8 sur 10": pupils logged in, of the seats. More than the seats after the autopilot closed some: nobody is
 * put out, the closed seats free up as pupils leave, and the counter says so.
 */
export function describeConnected(active: number, seats: number): string {
  const count = `${formatCount(active)} sur ${formatCount(seats)}`;
  return active > seats ? `${count} (les places fermées se libèrent à leur départ)` : count;
}

/** The modelled ENT's hidden capacity as the counters show it: "12 élèves à la fois, ralenti encore 40 s". */
export function describeEnt(seats: number, slowSeconds: number): string {
  const takes = `${plural(seats, 'élève', 'élèves')} à la fois`;
  return slowSeconds > 0 ? `${takes}, ralenti encore ${slowSeconds} s` : takes;
}

/** Said when the teacher presses « L'ENT ralentit ». */
export function slowdownStarted(slowSeconds: number, seats: number): string {
  return (
    `L'ENT ralentit pendant ${slowSeconds} s : il ne supporte plus que la moitié des élèves. La file ne le sait pas ; ` +
    `elle mesure ses temps de réponse et réduira le nombre de places (${formatCount(seats)} en ce moment) s'ils s'allongent.`
  );
}

/** What the page follows after « L'ENT ralentit »: the seats at the press, and whether their fall was said. */
export interface SlowdownWatch {
  seatsBefore: number;
  followed: boolean;
}

/**
 * The outcome of « L'ENT ralentit », from the counters the page polls: once when the seats fall, once
 * when the ENT is whole again. `watch` undefined afterwards: the slowdown is over, nothing more to say.
 */
export function slowdownNews(watch: SlowdownWatch, now: { seats: number; slowSeconds: number }): { sentence?: string; watch?: SlowdownWatch } {
  if (!watch.followed && now.seats < watch.seatsBefore) {
    return {
      sentence: `L'ENT ralentit : la file laisse entrer moins d'élèves (${plural(now.seats, 'place', 'places')} au lieu de ${formatCount(watch.seatsBefore)}).`,
      watch: { ...watch, followed: true },
    };
  }
  if (now.slowSeconds > 0) return { watch };
  if (!watch.followed) return { sentence: `L'ENT a ralenti sans être débordé : la file n'a rien eu à changer (${plural(now.seats, 'place ouverte', 'places ouvertes')}).` };
  return {
    sentence: `L'ENT répond de nouveau normalement : la file rouvre des places à mesure qu'il le supporte (${plural(now.seats, 'place', 'places')} pour l'instant).`,
  };
}
