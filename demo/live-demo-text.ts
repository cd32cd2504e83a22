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
