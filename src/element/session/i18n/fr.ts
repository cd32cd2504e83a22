/** Texts of <antichambre-session>, French (the default). English implements the same shape. */
import type { ReleaseReason } from '../../../core/session/idle.js';

const unit = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
/** "45 secondes", "1 minute 5 secondes": words in full, read aloud as well as shown (a 10-year-old reads « s » as nothing). */
const duration = (s: number) => (s < 60 ? unit(s, 'seconde') : `${unit(Math.floor(s / 60), 'minute')}${s % 60 ? ` ${unit(s % 60, 'seconde')}` : ''}`);

export const sessionFr = {
  warningTitle: 'Êtes-vous toujours là ?',
  /** Says which button to press (issue 14: « Sans action de votre part » never did). */
  warningText: (s: number) => `Appuyez sur « Je suis là » pour garder votre place. Sinon, votre session sera fermée dans ${duration(s)} et votre place ira à un autre élève.`,
  stay: 'Je suis là',
  remaining: (s: number) => `Il reste ${duration(s)}.`,
  releasedTitle: 'Session fermée',
  released: {
    idle: 'Votre place a été libérée pour un autre élève après un long moment sans activité.',
    expired: 'Le service d’attente a libéré votre place : la page est restée fermée ou hors ligne trop longtemps.',
    logout: 'Vous vous êtes déconnecté dans un autre onglet.',
  } satisfies Record<ReleaseReason, string>,
  /** The device slept or the tab was frozen through the whole warning. */
  slept: 'Votre appareil était en veille : l’avertissement n’a pas pu s’afficher à temps.',
  queueAgain: 'Reprendre une place dans la file',
};

export type SessionMessages = typeof sessionFr;
