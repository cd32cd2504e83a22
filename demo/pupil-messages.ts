/**
 * What the teachers' page and the pupil's phone (an iframe of /demo/eleve/) say to each other over
 * postMessage. The phone reports what the pupil sees; the page asks it to walk away.
 */

export const PUPIL = 'antichambre-demo-pupil';
export const TEACHER = 'antichambre-demo-teacher';

/** The room of the phone, from `?salle=` (the teachers' page opens a room of its own). */
export const ROOM_PARAM = 'salle';

export type PupilReport =
  | { source: typeof PUPIL; kind: 'queue'; phase: string | null; position: number | null }
  /** Asked to walk away while still in line: the pupil will, once admitted. */
  | { source: typeof PUPIL; kind: 'walk-away-pending' }
  /** Signed in and no longer touching the phone: session mode watches for inactivity. */
  | { source: typeof PUPIL; kind: 'session' }
  /** The seat was given back (inactivity, or expiry). */
  | { source: typeof PUPIL; kind: 'released'; reason: string };

export type TeacherCommand = { source: typeof TEACHER; kind: 'walk-away' };

export function isPupilReport(data: unknown): data is PupilReport {
  return typeof data === 'object' && data !== null && (data as { source?: unknown }).source === PUPIL;
}

export function isTeacherCommand(data: unknown): data is TeacherCommand {
  return typeof data === 'object' && data !== null && (data as { source?: unknown }).source === TEACHER && (data as { kind?: unknown }).kind === 'walk-away';
}

/** The room in the URL, if it is a valid room id (1–64 of a-z, 0-9 and -). */
export function roomFromUrl(url: string): string | null {
  const room = new URL(url).searchParams.get(ROOM_PARAM);
  return room !== null && /^[a-z0-9-]{1,64}$/.test(room) ? room : null;
}

/** Where the widget is, as an ENT hosts it: loaded at run time, never bundled into the demo pages. */
export const WIDGET_URL = '/antichambre.js';
