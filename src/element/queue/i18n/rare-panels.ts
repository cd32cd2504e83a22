/**
 * Texts of the rare panels (admission with return-url, expired place, configuration error), French and
 * English. Only the lazy rare-panels chunk imports them: the login page's bundle (fr.ts) does not carry them.
 * The product says « vous » to pupils everywhere (docs/accessibility.md, "Wording").
 */
import { isEnglish } from '../../is-english.js';

const fr = {
  turn: 'C’est votre tour !',
  leaving: (s: number) => `Vous allez entrer dans l’ENT dans ${s} seconde${s > 1 ? 's' : ''}.`,
  paused: 'Appuyez sur « Continuer » quand vous êtes prêt.',
  continue: 'Continuer',
  stay: 'Rester sur cette page',
  /** Back on the waiting page right after navigating with the admission: the ENT's gate sent the pupil back. */
  bounced: 'L’ENT n’a pas accepté votre passage : réessayez avec « Continuer ».',
  expiredTitle: 'Votre place dans la file a expiré',
  rejoin: 'Reprendre une place dans la file',
  /** The technical detail goes to the console and the antichambre-error event; the pupil needs an adult. */
  config: 'La file d’attente ne fonctionne pas : prévenez votre professeur.',
};

export type RarePanelTexts = typeof fr;

const en: RarePanelTexts = {
  turn: 'It is your turn!',
  leaving: (s) => `You will enter the ENT in ${s} second${s > 1 ? 's' : ''}.`,
  paused: 'Press “Continue” when you are ready.',
  continue: 'Continue',
  stay: 'Stay on this page',
  bounced: 'The ENT did not let you through: try again with “Continue”.',
  expiredTitle: 'Your place in the line has expired',
  rejoin: 'Take a new place in the line',
  config: 'The waiting line is not working: tell your teacher.',
};

export const rarePanelTextsFor = (lang: string): RarePanelTexts => (isEnglish(lang) ? en : fr);
