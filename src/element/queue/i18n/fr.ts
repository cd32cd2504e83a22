/**
 * Pupil-facing texts, French (the default). Every other language implements this same shape. An error code
 * with a text of its own is its key (the component looks it up by code).
 */
/** « secondes » in full: a 10-year-old does not read « s » (RGAA audit, issue 14). */
const sec = (n: number) => `${n} seconde${n > 1 ? 's' : ''}`;

export const fr = {
  locale: 'fr-FR',
  joining: 'Connexion à la file d’attente…',
  /** While the browser solves the proof of work a room under attack asks for. */
  verifying: 'Vérification de votre navigateur…',
  admitted: 'C’est votre tour ! Vous pouvez vous connecter.',
  retryIn: (s: number) => `nouvel essai dans ${sec(s)}`,
  retryNow: 'Réessayer maintenant',
  connectionLost: 'Connexion perdue, votre place est conservée',
  notReachable: 'Le service d’attente ne répond pas',
  'request-rejected': 'Le service d’attente refuse la demande',
  /** After 401: the server no longer recognises the ticket (e.g. its secret changed). */
  'credential-rejected': 'Le service d’attente ne reconnaît plus votre ticket.',
  expired: 'Le service d’attente a libéré votre place (page fermée ou hors ligne trop longtemps).',
  /** After 410 admission-unclaimed: admitted while away, not back within the server's admitGrace. */
  'admission-unclaimed': 'Votre tour est arrivé pendant votre absence et la place est passée à l’élève suivant.',
  /** The technical detail of a configuration error, for the console and the event (the pupil reads rare-panels.ts). */
  badAttribute: (name: string) => `L’attribut « ${name} » est absent ou invalide.`,
};

export type Messages = typeof fr;
