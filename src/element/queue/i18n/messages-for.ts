import { isEnglish } from '../../is-english.js';
import { fr, type Messages } from './fr.js';

/** Set once English has loaded (or failed to: French then stands in). */
let en: Messages | undefined;

/** French unless the language tag says English (is-english.ts). */
export function messagesFor(lang: string): Messages {
  return (isEnglish(lang) && en) || fr;
}

/**
 * English is a separate chunk, so that French pages (nearly all of them) never download it. True when the
 * messages for `lang` are here; otherwise starts loading them and calls `ready` once they are.
 */
export function messagesReady(lang: string, ready: () => void): boolean {
  if (en || !isEnglish(lang)) return true;
  import('./en.js')
    .then((module) => module.en, () => fr)
    .then((messages) => {
      en = messages;
      ready();
    });
  return false;
}
