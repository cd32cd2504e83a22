import type { SessionMessages } from './fr.js';

const duration = (s: number) => (s < 60 ? `${s} second${s > 1 ? 's' : ''}` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`);

export const sessionEn: SessionMessages = {
  warningTitle: 'Are you still there?',
  warningText: (s) => `Unless you do something, your session will close in ${duration(s)} and your place will go to another pupil.`,
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
