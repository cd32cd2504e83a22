/**
 * Texts of the waiting panel, French and English. Only the lazy waiting-panel chunk imports them: on an
 * ordinary day a pupil is admitted at once and never sees this panel, so the login bundle does not carry it.
 */
import type { EtaRange } from '../../../core/wait/eta-range.js';
import { isEnglish } from '../../is-english.js';

const min = (n: number) => `${n} minute${n > 1 ? 's' : ''}`;

const fr = {
  title: 'Vous êtes dans la file d’attente',
  intro: 'Beaucoup d’élèves se connectent en ce moment.',
  /** A pass put the ticket in a priority line (TicketStatus.lane): said plainly, and nothing of other lines. */
  lane: (name: string) => `File prioritaire : ${name}`,
  position: 'Vous êtes en position',
  /**
   * The first position said aloud; later ones (at most one a minute) are « Nouvelle position… ». Here rather
   * than in the login bundle (65 bytes gzipped): a position is only said once this chunk shows it.
   */
  announceFirst: (position: number) => `Dans la file d’attente, vous êtes en position ${position}.`,
  announce: (position: number) => `Nouvelle position dans la file : ${position}.`,
  ahead: (n: number) => (n ? `${n} personne${n > 1 ? 's' : ''} devant vous` : 'Personne devant vous'),
  eta: (r: EtaRange | null) =>
    `Attente estimée : ${
      !r ? 'inconnue pour le moment' : r.high <= 1 ? 'moins d’une minute' : r.low === r.high ? `environ ${min(r.high)}` : r.low ? `entre ${r.low} et ${min(r.high)}` : `moins de ${min(r.high)}`
    }`,
  progress: 'Progression dans la file',
  keepOpen: 'Gardez cette page ouverte : vous passerez automatiquement à votre tour.',
  /** The server's admit grace (TicketStatus.admitGraceSeconds), told while waiting, not learnt by losing the place. */
  grace: (m: number) => `Quand ce sera votre tour, vous aurez ${min(m)} pour entrer.`,
  updatedAt: (time: string) => `Dernière mise à jour à ${time}`,
  /** After a reload, until the server answers: the position stored with the ticket. */
  lastKnown: (time: string) => `Dernière position connue, à ${time}`,
};

export type WaitingTexts = typeof fr;

const en: WaitingTexts = {
  title: 'You are in the waiting line',
  intro: 'Many pupils are signing in right now.',
  lane: (name) => `Priority line: ${name}`,
  position: 'You are number',
  announceFirst: (position) => `In the waiting line, you are number ${position}.`,
  announce: (position) => `New position in the line: ${position}.`,
  ahead: (n) => (n ? `${n} ${n > 1 ? 'people' : 'person'} ahead of you` : 'Nobody ahead of you'),
  eta: (r) =>
    `Estimated wait: ${
      !r ? 'unknown for now' : r.high <= 1 ? 'less than a minute' : r.low === r.high ? `about ${min(r.high)}` : r.low ? `between ${r.low} and ${min(r.high)}` : `less than ${min(r.high)}`
    }`,
  progress: 'Progress in the line',
  keepOpen: 'Keep this page open: you will get in automatically when it is your turn.',
  grace: (m) => `When your turn comes, you will have ${min(m)} to get in.`,
  updatedAt: (time) => `Last updated at ${time}`,
  lastKnown: (time) => `Last known position, at ${time}`,
};

export const waitingTextsFor = (lang: string): WaitingTexts => (isEnglish(lang) ? en : fr);
