import type { Messages } from './fr.js';

const min = (n: number) => `${n} minute${n > 1 ? 's' : ''}`;

export const en: Messages = {
  locale: 'en-GB',
  joining: 'Joining the waiting line…',
  waitingTitle: 'You are in the waiting line',
  waitingIntro: 'Many pupils are signing in right now.',
  position: 'You are number',
  ahead: (n) => (n ? `${n} ${n > 1 ? 'people' : 'person'} ahead of you` : 'Nobody ahead of you'),
  eta: (r) =>
    `Estimated wait: ${
      !r ? 'unknown for now' : r.high <= 1 ? 'less than a minute' : r.low === r.high ? `about ${min(r.high)}` : r.low ? `between ${r.low} and ${min(r.high)}` : `less than ${min(r.high)}`
    }`,
  progress: 'Progress in the line',
  keepOpen: 'Keep this page open: you will get in automatically when it is your turn.',
  updatedAt: (time) => `Last updated at ${time}`,
  announce: (position) => `New position in the line: ${position}.`,
  admitted: 'It is your turn! You can sign in.',
  redirecting: 'It is your turn! Redirecting…',
  continue: 'Continue',
  retryIn: (s) => `retrying in ${s} s`,
  connectionLost: 'Connection lost, your place is kept',
  notReachable: 'The waiting service is not answering',
  refused: 'The waiting service refuses the request',
  expiredTitle: 'Your place in the line has expired',
  credentialRejected: 'The waiting service no longer recognises your ticket.',
  expired: 'The waiting service gave your place away (page closed or offline for too long).',
  admissionUnclaimed: 'Your turn came while you were away and the seat passed to the next pupil.',
  rejoin: 'Take a new place in the line',
  configTitle: 'Waiting line misconfigured',
  badAttribute: (name) => `The "${name}" attribute is missing or invalid.`,
};
