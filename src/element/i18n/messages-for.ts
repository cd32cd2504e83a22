import { en } from './en.js';
import { fr, type Messages } from './fr.js';

/** French unless the language tag says English ("en", "en-GB"…): the widget serves French schools first. */
export function messagesFor(lang: string | null | undefined): Messages {
  return /^en\b/i.test(lang ?? '') ? en : fr;
}
