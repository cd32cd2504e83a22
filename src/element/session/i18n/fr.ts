/** Texts of <antichambre-session>, French (the default). English implements the same shape. */
import type { ReleaseReason } from '../../../core/idle.js';

/** "45 secondes", "1 min 05 s": read aloud as well as shown. */
const duration = (s: number) => (s < 60 ? `${s} seconde${s > 1 ? 's' : ''}` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`);

export const sessionFr = {
  warningTitle: 'Êtes-vous toujours là ?',
  warningText: (s: number) => `Sans action de votre part, votre session sera fermée dans ${duration(s)} et votre place ira à un autre élève.`,
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
