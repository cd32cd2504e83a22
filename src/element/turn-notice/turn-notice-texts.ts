/**
 * Texts of the optional "your turn" notification, French and English. Only the lazy turn-notice chunk
 * imports them: the login page's bundle (fr.ts) does not carry them.
 */
import { isEnglish } from '../is-english.js';

export const turnNoticeTexts = {
  fr: {
    offer: 'Me prévenir quand c’est mon tour',
    granted: 'Une notification vous préviendra quand ce sera votre tour.',
    title: 'C’est votre tour',
    body: 'Revenez sur l’ENT pour vous connecter.',
  },
  en: {
    offer: 'Notify me when it is my turn',
    granted: 'A notification will tell you when it is your turn.',
    title: 'It is your turn',
    body: 'Come back to the ENT to sign in.',
  },
};

export type TurnNoticeTexts = (typeof turnNoticeTexts)['fr'];

export const turnNoticeTextsFor = (lang: string): TurnNoticeTexts => (isEnglish(lang) ? turnNoticeTexts.en : turnNoticeTexts.fr);
