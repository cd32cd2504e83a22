/**
 * The pupil's phone, login page (/demo/eleve/?salle=…): a real <antichambre-queue> around a pretend ENT
 * login form, in the room of the teachers' page that shows it. Reports to that page what the pupil sees,
 * and, when asked to walk away, signs in (once admitted) and leaves the phone alone on the next page.
 */
import { isTeacherCommand, PUPIL, roomFromUrl, WIDGET_URL, type PupilReport } from './pupil-messages.js';

const room = roomFromUrl(location.href);
const screen = document.getElementById('ecran')!;
const form = document.getElementById('connexion') as HTMLFormElement;
let walkAway = false;
/** The pupil taps « Se connecter » a moment after the form shows (the widget has stored the admission by then). */
const SIGN_IN_DELAY_MS = 1500;
const signIn = () => setTimeout(() => form.requestSubmit(), SIGN_IN_DELAY_MS);

function report(message: PupilReport): void {
  if (window.parent !== window) window.parent.postMessage(message, location.origin);
}

if (room === null) {
  screen.textContent = 'Cette page s’ouvre depuis la page des enseignants.';
} else {
  (form.elements.namedItem('salle') as HTMLInputElement).value = room;
  const queue = document.createElement('antichambre-queue');
  queue.setAttribute('endpoint', '/api/v1');
  queue.setAttribute('room', room);
  queue.append(form);
  screen.append(queue);

  let position: number | null = null;
  let told = '';
  const tell = (at: number | null = position) => {
    position = at;
    const phase = queue.phase ?? null;
    told = `${phase}:${position}`;
    report({ source: PUPIL, kind: 'queue', phase, position });
  };
  queue.addEventListener('antichambre-joined', (event) => tell(event.detail.position));
  queue.addEventListener('antichambre-position', (event) => tell(event.detail.position));
  queue.addEventListener('antichambre-error', () => tell());
  // No event says "reconnected" when nothing else changed: the phase is read locally too (no request).
  setInterval(() => {
    if (`${queue.phase ?? null}:${position}` !== told) tell();
  }, 1000);
  queue.addEventListener('antichambre-admitted', () => {
    tell();
    if (walkAway) signIn();
  });

  window.addEventListener('message', (event) => {
    if (event.origin !== location.origin || !isTeacherCommand(event.data)) return;
    if (queue.phase === 'admitted') signIn();
    else {
      walkAway = true;
      report({ source: PUPIL, kind: 'walk-away-pending' });
    }
  });

  // Created above, then defined: the widget reads its attributes when it upgrades.
  void import(/* @vite-ignore */ WIDGET_URL);
}
