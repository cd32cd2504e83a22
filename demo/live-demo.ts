/**
 * "Ce que voit un élève, en direct": a pupil's phone (an iframe of /demo/eleve/) in a room of its own on
 * the demo server, the controls a teacher plays with, and the counters of that room. Counters are polled
 * every few seconds and shown, but only the outcome of the teacher's own actions is announced to screen
 * readers (plus the server coming back), so the page never chatters.
 */
import { classroomApi, DemoApiError, type ClassroomApi, type ClassroomCounters } from './classroom-client.js';
import { isPupilReport, ROOM_PARAM, TEACHER, type PupilReport, type TeacherCommand } from './pupil-messages.js';
import { describeConnected, describeEnt, describePupil, formatCount, plural, slowdownNews, slowdownStarted, type SlowdownWatch } from './live-demo-text.js';

const POLL_MS = 2000;
const SETTINGS = {
  capacity: { id: 'places', min: 0, max: 1000 },
  admitPerMinute: { id: 'rythme', min: 1, max: 1000 },
} as const;
type Setting = keyof typeof SETTINGS;

export function mountLiveDemo(root: HTMLElement, api: ClassroomApi = classroomApi()): void {
  const $ = <T extends HTMLElement>(selector: string) => root.querySelector<T>(selector)!;
  const phone = $<HTMLElement>('#telephone');
  const announcer = $<HTMLElement>('#annonce');
  const outageBanner = $<HTMLElement>('#panne');
  const form = $<HTMLFormElement>('#reglages');
  const input = (setting: Setting) => $<HTMLInputElement>(`#${SETTINGS[setting].id}`);

  /** The classroom's id on the demo API (`counters.id`); undefined while one is being opened. */
  let classroomId: string | undefined;
  let frame: HTMLIFrameElement | undefined;
  let lastOutage = 0;
  /** Set by « L'ENT ralentit » until its outcome has been said (the seats falling, the ENT whole again). */
  let slowdown: SlowdownWatch | undefined;
  /** Presses of « L'ENT ralentit »: counters asked for before the last press say nothing about it. */
  let slowdownPresses = 0;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  /** The opening and the poll under way: whoever asks again meanwhile shares them (one classroom, one timer). */
  let opening: Promise<ClassroomCounters> | undefined;
  let polling: Promise<void> | undefined;
  let busy = false;

  function announce(text: string): void {
    // Emptied first, so that the same sentence twice is read twice.
    announcer.textContent = '';
    requestAnimationFrame(() => (announcer.textContent = text));
  }

  /** `current`: asked for after the last « L'ENT ralentit » (an older answer would say it is already over). */
  function show(counters: ClassroomCounters, current = true): void {
    $('#compte-attente').textContent = formatCount(counters.waiting);
    $('#compte-connectes').textContent = describeConnected(counters.active, counters.capacity);
    $('#compte-simules').textContent = formatCount(counters.simulated);
    $('#compte-places').textContent = formatCount(counters.capacity);
    $('#compte-rythme').textContent = `${formatCount(counters.admitPerMinute)} par minute`;
    $('#compte-ent').textContent = counters.entSeats === undefined ? '—' : describeEnt(counters.entSeats, counters.entSlowSeconds);
    if (slowdown && current) {
      const news = slowdownNews(slowdown, { seats: counters.capacity, slowSeconds: counters.entSlowSeconds });
      slowdown = news.watch;
      if (news.sentence) announce(news.sentence);
    }
    outageBanner.hidden = counters.outageSeconds === 0;
    outageBanner.textContent = `Serveur en panne : il répond de nouveau dans ${counters.outageSeconds} s.`;
    if (lastOutage > 0 && counters.outageSeconds === 0) {
      announce('Le serveur répond de nouveau. Le téléphone retrouve sa place dès sa prochaine demande.');
    }
    lastOutage = counters.outageSeconds;
    $('#erreur-demo').hidden = true;
  }

  function fillSettings(counters: ClassroomCounters): void {
    for (const setting of Object.keys(SETTINGS) as Setting[]) input(setting).value = String(counters[setting]);
  }

  function showPhone(newRoom: string): void {
    frame?.remove();
    frame = document.createElement('iframe');
    frame.title = "Écran du téléphone d'un élève : la page de connexion de l'ENT";
    frame.src = `/demo/eleve/?${ROOM_PARAM}=${encodeURIComponent(newRoom)}`;
    phone.replaceChildren(frame);
    $('#etat-telephone').textContent = 'Ouverture de la page…';
  }

  /** Opens a classroom (after closing `replacing`), unless one is being opened already. */
  function openClassroom(replacing?: string): Promise<ClassroomCounters> {
    classroomId = undefined;
    opening ??= (async () => {
      if (replacing !== undefined) await api.close(replacing).catch(() => undefined);
      const counters = await api.open();
      classroomId = counters.id;
      lastOutage = 0;
      slowdown = undefined;
      fillSettings(counters);
      show(counters);
      showPhone(counters.room);
      return counters;
    })().finally(() => (opening = undefined));
    return opening;
  }

  function failed(error: unknown): void {
    const box = $<HTMLElement>('#erreur-demo');
    box.hidden = false;
    box.textContent =
      error instanceof DemoApiError && error.status === 0
        ? 'Le serveur de démonstration ne répond pas. Est-il toujours lancé (npm start) ?'
        : `La démonstration a rencontré un problème : ${error instanceof Error ? error.message : String(error)}`;
  }

  /** Opens the classroom if there is none yet (first visit, or the demo server was down), else reads its counters. */
  async function refresh(): Promise<void> {
    const asked = classroomId;
    if (asked === undefined) {
      await openClassroom();
      return;
    }
    const presses = slowdownPresses;
    try {
      const counters = await api.counters(asked);
      if (classroomId === asked) show(counters, presses === slowdownPresses); // else "Recommencer" replaced it meanwhile
    } catch (error) {
      if (!(error instanceof DemoApiError && error.code === 'room-not-found')) throw error;
      // Closed (the tab was hidden a long while) or the server restarted: start over, unless already done.
      if (classroomId === asked) await openClassroom();
    }
  }

  /** One poll at a time, whatever calls it (the timer, the tab coming back into view): one timer chain. */
  function poll(): Promise<void> {
    polling ??= pollOnce().finally(() => (polling = undefined));
    return polling;
  }

  async function pollOnce(): Promise<void> {
    clearTimeout(pollTimer);
    let waitMs = POLL_MS;
    if (!document.hidden) {
      try {
        await refresh();
      } catch (error) {
        failed(error);
        // "Démo complète" (every demo room in use) or too many openings: ask again when the server says.
        if (error instanceof DemoApiError && error.retryAfterSeconds !== undefined) waitMs = Math.max(waitMs, error.retryAfterSeconds * 1000);
      }
    }
    pollTimer = setTimeout(() => void poll(), waitMs);
  }
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void poll();
  });

  /** Runs one control at a time; a second click during a slow one (1 000 joins) is ignored. */
  async function act(work: (room: string) => Promise<string | undefined>): Promise<void> {
    if (busy || classroomId === undefined) return;
    busy = true;
    root.setAttribute('aria-busy', 'true');
    try {
      const message = await work(classroomId);
      if (message) announce(message);
    } catch (error) {
      failed(error);
    } finally {
      busy = false;
      root.removeAttribute('aria-busy');
    }
  }

  const actions: Record<string, (room: string) => Promise<string | undefined>> = {
    'ajouter-30': (at) => addPupils(at, 30),
    'ajouter-1000': (at) => addPupils(at, 1000),
    'eloigner': async () => {
      const command: TeacherCommand = { source: TEACHER, kind: 'walk-away' };
      frame?.contentWindow?.postMessage(command, location.origin);
      return undefined; // the phone answers with what it does (see onPupilReport)
    },
    'panne': async (at) => {
      const counters = await api.outage(at);
      show(counters);
      return `Le serveur est en panne pour ${counters.outageSeconds} secondes. Le téléphone le remarque à sa prochaine demande, et garde sa place.`;
    },
    'ralentir': async (at) => {
      const counters = await api.slowDown(at);
      slowdownPresses++;
      // The seats at the press: their fall, when the autopilot sees the slow pages, is said at a later poll.
      slowdown = { seatsBefore: counters.capacity, followed: false };
      show(counters);
      return slowdownStarted(counters.entSlowSeconds, counters.capacity);
    },
    'recommencer': async (at) => {
      const counters = await openClassroom(at);
      return `Tout recommence : ${plural(counters.waiting, 'élève attend', 'élèves attendent')}, et le téléphone reprend une place dans la file.`;
    },
  };

  async function addPupils(at: string, count: number): Promise<string> {
    const counters = await api.addPupils(at, count);
    show(counters);
    return `${plural(counters.added, 'élève ajouté', 'élèves ajoutés')}. ${plural(counters.waiting, 'élève en attente', 'élèves en attente')}.`;
  }

  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-action]')) {
    const action = actions[button.dataset.action ?? ''];
    if (action) button.addEventListener('click', () => void act(action));
  }

  /** Reads the two settings; marks and explains a bad value instead. */
  function readSettings(): { capacity: number; admitPerMinute: number } | null {
    const values: Partial<Record<Setting, number>> = {};
    for (const setting of Object.keys(SETTINGS) as Setting[]) {
      const { min, max, id } = SETTINGS[setting];
      const field = input(setting);
      const value = Number(field.value);
      const ok = /^\s*\d+\s*$/.test(field.value) && value >= min && value <= max;
      const error = $<HTMLElement>(`#${id}-erreur`);
      error.hidden = ok;
      error.textContent = ok ? '' : `Un nombre entier de ${min} à ${formatCount(max)}.`;
      field.setAttribute('aria-invalid', String(!ok));
      if (ok) values[setting] = value;
    }
    return values.capacity !== undefined && values.admitPerMinute !== undefined ? { capacity: values.capacity, admitPerMinute: values.admitPerMinute } : null;
  }

  const apply = () =>
    act(async (at) => {
      const settings = readSettings();
      if (settings === null) return undefined;
      show(await api.configure(at, settings));
      return `Réglages appliqués : ${plural(settings.capacity, 'place', 'places')}, ${plural(settings.admitPerMinute, 'admission', 'admissions')} par minute.`;
    });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void apply();
  });
  form.addEventListener('change', () => void apply());

  function onPupilReport(report: PupilReport): void {
    $('#etat-telephone').textContent = describePupil(report);
    if (report.kind === 'walk-away-pending') announce("L'élève attend encore son tour : il posera son téléphone dès qu'il sera entré.");
    if (report.kind === 'session') {
      announce("L'élève est connecté et pose son téléphone. Dans quelques secondes, l'écran demande « Êtes-vous toujours là ? », puis libère sa place au bout de 20 secondes.");
    }
    if (report.kind === 'released') announce("Personne n'a répondu : la place de l'élève est libérée pour le suivant.");
  }
  window.addEventListener('message', (event) => {
    if (event.origin === location.origin && event.source === frame?.contentWindow && isPupilReport(event.data)) onPupilReport(event.data);
  });

  void poll();
}
