/**
 * The pupil's phone, after login (/demo/eleve/session?salle=…): session mode with a very short idle
 * timeout, so the teacher sees « Êtes-vous toujours là ? » within seconds and the seat freed 20 s later
 * (the shortest warning WCAG 2.2.1 allows). Touching the phone counts as activity, as on a real ENT.
 */
import { isTeacherCommand, PUPIL, roomFromUrl, ROOM_PARAM, WIDGET_URL, type PupilReport } from './pupil-messages.js';

/** Seconds without activity before the warning; a real ENT would use 900 or so. */
export const DEMO_IDLE_TIMEOUT_S = 5;
export const DEMO_IDLE_WARNING_S = 20;

const room = roomFromUrl(location.href);
const main = document.querySelector('main')!;

function report(message: PupilReport): void {
  if (window.parent !== window) window.parent.postMessage(message, location.origin);
}

if (room !== null) {
  const session = document.createElement('antichambre-session');
  session.setAttribute('endpoint', '/api/v1');
  session.setAttribute('room', room);
  session.setAttribute('idle-timeout', String(DEMO_IDLE_TIMEOUT_S));
  session.setAttribute('idle-warning', String(DEMO_IDLE_WARNING_S));
  session.setAttribute('queue-url', `/demo/eleve/?${ROOM_PARAM}=${room}`);
  session.addEventListener('antichambre-released', (event) => report({ source: PUPIL, kind: 'released', reason: event.detail.reason }));
  main.append(session);
  report({ source: PUPIL, kind: 'session' });
  // Asked again to walk away: the pupil already has (the page says so again).
  window.addEventListener('message', (event) => {
    if (event.origin === location.origin && isTeacherCommand(event.data)) report({ source: PUPIL, kind: 'session' });
  });
  void import(/* @vite-ignore */ WIDGET_URL);
}
