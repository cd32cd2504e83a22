/** Pupil-facing texts, French (the default). Every other language implements this same shape. */
import type { EtaRange } from '../../core/eta-range.js';

const min = (n: number) => `${n} minute${n > 1 ? 's' : ''}`;

export const fr = {
  locale: 'fr-FR',
  joining: 'Connexion à la file d’attente…',
  waitingTitle: 'Vous êtes dans la file d’attente',
  waitingIntro: 'Beaucoup d’élèves se connectent en ce moment.',
  position: 'Vous êtes en position',
  ahead: (n: number) => (n ? `${n} personne${n > 1 ? 's' : ''} devant vous` : 'Personne devant vous'),
  eta: (r: EtaRange | null) =>
    `Attente estimée : ${
      !r ? 'inconnue pour le moment' : r.high <= 1 ? 'moins d’une minute' : r.low === r.high ? `environ ${min(r.high)}` : r.low ? `entre ${r.low} et ${min(r.high)}` : `moins de ${min(r.high)}`
    }`,
  progress: 'Progression dans la file',
  keepOpen: 'Gardez cette page ouverte : vous passerez automatiquement à votre tour.',
  updatedAt: (time: string) => `Dernière mise à jour à ${time}`,
  announce: (position: number) => `Nouvelle position dans la file : ${position}.`,
  admitted: 'C’est votre tour ! Vous pouvez vous connecter.',
  redirecting: 'C’est votre tour ! Redirection…',
  continue: 'Continuer',
  retryIn: (s: number) => `nouvel essai dans ${s} s`,
  connectionLost: 'Connexion perdue, votre place est conservée',
  notReachable: 'Le service d’attente ne répond pas',
  refused: 'Le service d’attente refuse la demande',
  expiredTitle: 'Votre place dans la file a expiré',
  /** After 401: the server no longer recognises the ticket (e.g. its secret changed). */
  credentialRejected: 'Le service d’attente ne reconnaît plus votre ticket.',
  expired: 'Le service d’attente a libéré votre place (page fermée ou hors ligne trop longtemps).',
  /** After 410 admission-unclaimed: admitted while away, not back within the server's admitGrace. */
  admissionUnclaimed: 'Votre tour est arrivé pendant votre absence et la place est passée à l’élève suivant.',
  rejoin: 'Reprendre une place dans la file',
  configTitle: 'File d’attente mal configurée',
  badAttribute: (name: string) => `L’attribut « ${name} » est absent ou invalide.`,
};

export type Messages = typeof fr;
