/**
 * Texts of the waiting page's retry box (src/sw/waiting-page.ts), French and English. The waiting page is
 * a bundle of its own (dist/antichambre-waiting.js) that imports only these texts, not the widget's.
 */
import { isEnglish } from '../../is-english.js';

const fr = {
  next: (s: number) => `Nouvel essai automatique dans ${s} s.`,
  again: 'L’ENT ne répond toujours pas.',
  trying: 'Nouvel essai en cours…',
};

const en: WaitingPageTexts = {
  next: (s: number) => `Trying again automatically in ${s} s.`,
  again: 'The ENT is still not answering.',
  trying: 'Trying again…',
};

export type WaitingPageTexts = typeof fr;

export const waitingPageTextsFor = (lang: string): WaitingPageTexts => (isEnglish(lang) ? en : fr);
