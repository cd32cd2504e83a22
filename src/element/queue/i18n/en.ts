import type { Messages } from './fr.js';

export const en: Messages = {
  locale: 'en-GB',
  joining: 'Joining the waiting line…',
  verifying: 'Checking your browser…',
  admitted: 'It is your turn! You can sign in.',
  retryIn: (s) => `retrying in ${s} second${s > 1 ? 's' : ''}`,
  retryNow: 'Try again now',
  connectionLost: 'Connection lost, your place is kept',
  notReachable: 'The waiting service is not answering',
  'request-rejected': 'The waiting service refuses the request',
  'credential-rejected': 'The waiting service no longer recognises your ticket.',
  expired: 'The waiting service gave your place away (page closed or offline for too long).',
  'admission-unclaimed': 'Your turn came while you were away and the seat passed to the next pupil.',
  badAttribute: (name) => `The "${name}" attribute is missing or invalid.`,
};
