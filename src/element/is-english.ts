/**
 * The one language test of every text file (queue, session, turn notice, waiting page): French unless the
 * language tag says English ("en", "en-GB"…), because the widget serves French schools first.
 */
export const isEnglish = (lang: string): boolean => /^en\b/i.test(lang);
