import type { SessionMessages } from './fr.js';

const unit = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
const duration = (s: number) => (s < 60 ? unit(s, 'second') : `${unit(Math.floor(s / 60), 'minute')}${s % 60 ? ` ${unit(s % 60, 'second')}` : ''}`);

export const sessionEn: SessionMessages = {
  warningTitle: 'Are you still there?',
  warningText: (s) => `Press “I am here” to keep your place. Otherwise your session will close in ${duration(s)} and your place will go to another pupil.`,
  stay: 'I am here',
  remaining: (s) => `${duration(s)} left.`,
  releasedTitle: 'Session closed',
  released: {
    idle: 'Your place went to another pupil after a long time without activity.',
    expired: 'The waiting service gave your place away: the page was closed or offline for too long.',
    logout: 'You signed out in another tab.',
  },
  slept: 'Your device was asleep: the warning could not show in time.',
  queueAgain: 'Take a new place in the line',
};
