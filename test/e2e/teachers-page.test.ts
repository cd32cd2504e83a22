/**
 * The teachers' page on `npm start`'s server (demo/server/start.ts, in process), in real Chromium: it
 * loads cleanly; the phone is a real widget whose position shows when seats are 0; the controls act on
 * the server for real (a class of 30 raises the waiting count, an outage makes the phone say the
 * connection is lost and then recover, a pupil who walks away is warned then released, « L'ENT ralentit »
 * makes the room's real autopilot close seats); the surge replay plots data, the autopilot morning with
 * its sentence; axe-core finds nothing; the snippet form copies what it shows; nothing scrolls sideways at
 * 320 px. Screenshots at 1280 and 360 px go to test-output/ for a person to look at.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Frame, Page, Request } from 'playwright-core';
import { startDemo } from '../../demo/server/start.js';
import { CLASSROOM_DEFAULTS, FIRST_CLASS } from '../../demo/server/demo-classroom.js';
import type { RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';

const OUTPUT = 'test-output';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

before(async () => {
  const lines: string[] = [];
  const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
  const started = await startDemo(['--port', '0', '--host', '127.0.0.1'], {}, io);
  assert.ok(started, `the demo server started: ${lines.join('\n')}`);
  server = started;
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
});

// Every step, not only the first: a control that throws in the page shows up here.
afterEach(() => {
  const errors = consoleErrors.splice(0);
  assert.deepEqual(errors, [], 'no console error in the page or the phone');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The phone: the iframe of the pupil's login page (and, after "L'élève s'éloigne", the page after login). */
function phone(): Frame {
  const frame = page.frames().find((f) => f.url().includes('/demo/eleve/'));
  assert.ok(frame, 'the phone shows /demo/eleve/');
  return frame;
}

const counter = async (id: string) => Number((await page.locator(`#${id}`).innerText()).replace(/\D/g, ''));

/** The position the widget on the phone shows. */
const phonePosition = async () => Number((await phone().locator('antichambre-queue [part="position"]').innerText()).match(/\d+/)?.[0]);

test("the page loads with no console error, and the pupil's phone shows a position when seats are 0", async () => {
  const res = await page.goto(`${server.origin}/`);
  assert.equal(res?.status(), 200);
  await page.getByRole('heading', { name: 'Ce que fait antichambre' }).waitFor();
  await page.getByRole('img', { name: "Des élèves font la queue devant la porte de l'ENT" }).waitFor();
  // The page has opened its classroom (the settings show its values) before the teacher changes them.
  await page.locator('#compte-attente', { hasText: /\d/ }).waitFor();

  await page.getByLabel('Places disponibles').fill('0');
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await page.getByRole('status').filter({ hasText: 'Réglages appliqués : 0 place' }).waitFor();

  await page.waitForFunction(() => document.querySelector('#telephone iframe') !== null);
  const position = phone().locator('antichambre-queue [part="position"]');
  await position.waitFor({ timeout: 20_000 });
  const shown = Number((await position.innerText()).match(/\d+/)?.[0]);
  assert.ok(shown > 1, `the pupil waits behind the simulated class (position ${shown})`);
  // RGAA 9.1: the phone's page keeps a first-level heading while the login form is hidden.
  assert.equal(await phone().locator('h1').filter({ visible: true }).count(), 1, 'the waiting phone page has its h1');
  // The page tells the teacher what the phone shows.
  await page.locator('#etat-telephone', { hasText: `position ${shown}` }).waitFor({ timeout: 5000 });
});

test('"Ajouter 30 élèves" raises the waiting count by a class', async () => {
  await page.locator('#compte-attente', { hasText: /\d/ }).waitFor();
  const before = await counter('compte-attente');
  await page.getByRole('button', { name: 'Ajouter 30 élèves (une classe)' }).click();
  await page.getByRole('status').filter({ hasText: '30 élèves ajoutés' }).waitFor();
  const after = await counter('compte-attente');
  assert.ok(after >= before + 30, `waiting went from ${before} to ${after}`);
  assert.ok((await counter('compte-simules')) >= 42, 'the first class and the new one are simulated pupils');
});

test('"Le serveur tombe en panne 30 s": the phone says the connection is lost, keeps its place, and recovers', async () => {
  const position = await phonePosition();
  await page.getByRole('button', { name: 'Le serveur tombe en panne 30 s' }).click();
  await page.locator('#panne', { hasText: /Serveur en panne : il répond de nouveau dans \d+ s/ }).waitFor();
  // The phone notices at its next request (its position is small, so it asks every few seconds).
  await phone().locator('antichambre-queue').getByText('Connexion perdue, votre place est conservée').first().waitFor({ timeout: 20_000 });
  assert.equal(await phonePosition(), position, 'the place is still shown during the outage');
  await page.locator('#etat-telephone', { hasText: 'Connexion perdue' }).waitFor({ timeout: 5000 });

  // Retry-After is the time left: the phone comes back once the server does, not minutes later.
  await page.getByRole('status').filter({ hasText: 'Le serveur répond de nouveau' }).waitFor({ timeout: 40_000 });
  await page.waitForFunction(
    () => {
      const widget = (document.querySelector('#telephone iframe') as HTMLIFrameElement | null)?.contentDocument?.querySelector('antichambre-queue');
      return widget?.phase === 'waiting' && !widget.shadowRoot?.textContent?.includes('Connexion perdue');
    },
    null,
    { timeout: 45_000, polling: 500 },
  );
  assert.equal(await phonePosition(), position, 'same place after the outage');
  assert.equal(await page.locator('#panne').isVisible(), false);
  // Chromium logs each 503 of the simulated outage: expected here (and only these, only here).
  const outage = /^Failed to load resource: the server responded with a status of 503 .*\/api\/v1\/rooms\/demo-\d+\//;
  const others = consoleErrors.filter((error) => !outage.test(error));
  assert.ok(others.length < consoleErrors.length, 'the phone did meet the outage');
  consoleErrors.splice(0, consoleErrors.length, ...others);
});

test('"L\'élève s\'éloigne": once admitted, the phone asks « Êtes-vous toujours là ? », then frees the seat', async () => {
  await page.getByLabel('Places disponibles').fill('1000');
  await page.getByLabel('Admissions par minute').fill('1000');
  await page.getByRole('button', { name: 'Appliquer' }).click();
  await page.getByRole('button', { name: "L'élève s'éloigne" }).click();
  // Not admitted yet at the click (the phone asks for news every few seconds): it walks away once in.
  await page.getByRole('status').filter({ hasText: /pose son téléphone/ }).waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => (document.querySelector('#telephone iframe') as HTMLIFrameElement | null)?.contentWindow?.location.pathname === '/demo/eleve/session', null, {
    timeout: 10_000,
  });
  const warning = phone().getByRole('alertdialog', { name: 'Êtes-vous toujours là ?' });
  await warning.waitFor({ timeout: 15_000 });
  await phone().getByRole('alertdialog', { name: 'Session fermée' }).waitFor({ timeout: 30_000 });
  await page.getByRole('status').filter({ hasText: "la place de l'élève est libérée" }).waitFor({ timeout: 5000 });
  await page.locator('#etat-telephone', { hasText: 'Place libérée après inactivité' }).waitFor();
});

test('"Recommencer" opens a new classroom: a new line, the starting settings, the phone back in line', async () => {
  // The room the page gave the phone (the phone itself may be on the page after login, or still loading).
  const salle = async () => new URL((await page.locator('#telephone iframe').getAttribute('src')) ?? '', server.origin).searchParams.get('salle');
  const before = await salle();
  await page.getByRole('button', { name: 'Recommencer' }).click();
  await page.getByRole('status').filter({ hasText: 'Tout recommence' }).waitFor();
  const after = await salle();
  assert.ok(after && after !== before, `a new room (${before} → ${after})`);
  await page.waitForFunction(() => (document.querySelector('#telephone iframe') as HTMLIFrameElement | null)?.contentWindow?.location.pathname === '/demo/eleve/');
  assert.equal(await page.getByLabel('Places disponibles').inputValue(), String(CLASSROOM_DEFAULTS.capacity));
  assert.equal(await counter('compte-simules'), FIRST_CLASS);
  await phone().locator('antichambre-queue [part="position"]').waitFor({ timeout: 20_000 });
  assert.ok((await phonePosition()) > 1, 'the phone waits behind the new class');
});

test("« L'ENT ralentit »: the room's autopilot sees the modelled ENT's pages slow down and closes seats; the page says so", async () => {
  // The fresh classroom of "Recommencer": 10 seats taken, the ENT takes 12 at once, 6 once slowed.
  await page.locator('#compte-ent', { hasText: '12 élèves à la fois' }).waitFor();
  const button = page.getByRole('button', { name: "L'ENT ralentit" });
  await button.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('status').filter({ hasText: "L'ENT ralentit pendant 45 s : il ne supporte plus que la moitié des élèves." }).waitFor();
  await page.locator('#compte-ent', { hasText: /^6 élèves à la fois, ralenti encore \d+ s$/ }).waitFor();
  // Nothing tells the autopilot: it sees the probe's pages time out, cuts, and the page's next poll says it.
  const fell = /L'ENT ralentit : la file laisse entrer moins d'élèves \((\d+) places? au lieu de (\d+)\)\./;
  const said = page.getByRole('status').filter({ hasText: fell });
  await said.waitFor({ timeout: 20_000 });
  const [, after, before] = (await said.innerText()).match(fell)!.map(Number);
  assert.ok(after < before && before >= 10, `the seats fell from ${before} to ${after}`);
  assert.ok((await counter('compte-places')) < before, 'the counter shows the seats the autopilot left');
});

test('the tab coming back into view during a poll starts no second poll loop and no second classroom', async () => {
  const calls: string[] = [];
  const onRequest = (r: Request) => void (r.url().includes('/demo/api/classes') && calls.push(r.method()));
  page.on('request', onRequest);
  // As if the teacher switched tabs back and forth quickly: each one asks for a poll at once.
  await page.evaluate(() => {
    for (let i = 0; i < 5; i++) document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.waitForTimeout(5000);
  page.off('request', onRequest);
  const polls = calls.filter((m) => m === 'GET').length;
  assert.ok(polls >= 2 && polls <= 4, `one poll every 2 s, not five chains: ${polls} polls in 5 s`);
  assert.equal(calls.filter((m) => m === 'POST').length, 0, 'no classroom opened');
});

test('the surge replay plots data, and axe-core finds no violation on the whole page', async () => {
  await page.locator('#surge').scrollIntoViewIfNeeded();
  const figures = page.locator('figure.surge-plot[data-points]');
  await figures.first().waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => document.querySelectorAll('figure.surge-plot[data-points]').length >= 4, null, { timeout: 60_000 });
  const points = await figures.evaluateAll((list) => list.map((f) => Number(f.getAttribute('data-points'))));
  assert.equal(points.length, 4, 'four plots: waiting, admitted, requests per second, and the autopilot morning');
  for (const n of points) assert.ok(n > 0, `each plot has data (${points.join(', ')})`);
  // The autopilot morning: hidden capacity and seats on one chart, its sentence read from the data.
  await page.getByRole('heading', { name: "Quand l'ENT perd un serveur à 8 h 05" }).waitFor();
  const autopilot = figures.last();
  assert.match(await autopilot.getByRole('img').getAttribute('aria-label') ?? '', /places ouvertes par le pilote automatique en trait plein bleu, ce que l'ent peut accueillir \(caché au pilote\) en tirets orange/);
  assert.match(
    (await autopilot.locator('.surge-summary').innerText()).replace(/[\u00a0\u202f]/g, ' '),
    /^À 8 h 05, l'ENT ne peut plus accueillir que [\d ]+ élèves à la fois au lieu de [\d ]+\. .*il réduit les places, de [\d ]+ à [\d ]+ au plus bas\..*dépasse son temps de réponse cible pendant \d/,
  );

  for (const frame of page.frames()) await frame.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
  });
  assert.deepEqual(violations, []);
});

test('the administrator fills the form, sees the snippet follow, and copies it', async () => {
  await page.getByLabel("Identifiant de la salle d'attente").fill('lycee-victor-hugo');
  await page.getByLabel('Libérer la place après combien de minutes sans activité').fill('10');
  const login = page.locator('#extrait-connexion');
  const session = page.locator('#extrait-session');
  assert.match(await login.innerText(), /<antichambre-queue endpoint="https:\/\/file\.ent\.example\/api\/v1" room="lycee-victor-hugo"/);
  assert.match(await session.innerText(), /idle-timeout="600"/);

  await page.getByRole('button', { name: 'Copier le code de la page de connexion' }).click();
  await page.locator('#extrait-connexion-statut', { hasText: 'Copié' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await login.innerText());

  await page.getByLabel("Identifiant de la salle d'attente").fill('Lycée Hugo');
  await page.locator('#salle-erreur', { hasText: 'Lettres minuscules' }).waitFor();
  assert.equal(await page.getByLabel("Identifiant de la salle d'attente").getAttribute('aria-invalid'), 'true');
  assert.match(await login.innerText(), /room="lycee-victor-hugo"/, 'an invalid room never reaches the snippet');
  await page.getByLabel("Identifiant de la salle d'attente").fill('college-jean-moulin');
});

test('the picture moves, except for whoever asked for reduced motion', async () => {
  const animation = () => page.locator('.dessin .file').evaluate((g) => getComputedStyle(g).animationName);
  assert.equal(await animation(), 'avance');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  assert.equal(await animation(), 'none');
  await page.emulateMedia({ reducedMotion: null });
});

test('the looping picture can be paused and restarted from the keyboard (RGAA 13.8)', async () => {
  const playState = () => page.locator('.dessin .file').evaluate((g) => getComputedStyle(g).animationPlayState);
  const pause = page.getByRole('button', { name: 'Mettre le dessin en pause' });
  assert.equal(await playState(), 'running');
  await pause.focus();
  await page.keyboard.press('Enter');
  assert.equal(await playState(), 'paused');
  const resume = page.getByRole('button', { name: 'Relancer le dessin' });
  assert.equal(await resume.getAttribute('aria-pressed'), 'true');
  await resume.click();
  assert.equal(await playState(), 'running');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  assert.equal(await pause.isVisible(), false, 'nothing moves, so nothing to pause');
  await page.emulateMedia({ reducedMotion: null });
});

test('responsive: no sideways scrolling from 320 px; screenshots at 1280 and 360 px', async () => {
  mkdirSync(OUTPUT, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${OUTPUT}/teachers-page-1280.png`, fullPage: true });
  for (const width of [360, 320]) {
    await page.setViewportSize({ width, height: 780 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `nothing is wider than the ${width}-px screen`);
    if (width === 360) await page.screenshot({ path: `${OUTPUT}/teachers-page-360.png`, fullPage: true });
  }
});

test('the demo API refuses bad input with JSON errors', async () => {
  const json = { 'content-type': 'application/json' };
  const created = await fetch(`${server.origin}/demo/api/classes`, { method: 'POST', headers: json, body: '{}' });
  assert.equal(created.status, 201);
  const { id: room } = (await created.json()) as { id: string };
  const cases: [string, RequestInit, number, string][] = [
    [`/demo/api/classes/${room}`, { method: 'PUT', body: '{"capacity": -1}' }, 400, 'bad-request'],
    [`/demo/api/classes/${room}`, { method: 'PUT', body: '{"capacity": 1, "admin": true}' }, 400, 'bad-request'],
    [`/demo/api/classes/${room}`, { method: 'PUT', body: 'five' }, 400, 'bad-json'],
    [`/demo/api/classes/${room}/pupils`, { method: 'POST', headers: json, body: '{"count": 1001}' }, 400, 'bad-request'],
    [`/demo/api/classes/${room}/pupils`, { method: 'POST', headers: json, body: '{"count": 2.5}' }, 400, 'bad-request'],
    ['/demo/api/classes/no-such-room', { method: 'GET' }, 404, 'room-not-found'],
    ['/demo/api/classes/Bad_Room', { method: 'GET' }, 400, 'bad-room'],
    // What another site's page could send without a preflight, or with one that names it.
    ['/demo/api/classes', { method: 'POST', body: '{}' }, 415, 'bad-request'],
    ['/demo/api/classes', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }, 415, 'bad-request'],
    ['/demo/api/classes', { method: 'POST', headers: { ...json, origin: 'https://ailleurs.example' }, body: '{}' }, 403, 'forbidden'],
    [`/demo/api/classes/${room}/outage`, { method: 'POST', headers: { ...json, origin: 'https://ailleurs.example' }, body: '{}' }, 403, 'forbidden'],
  ];
  for (const [path, init, status, code] of cases) {
    const res = await fetch(server.origin + path, init);
    assert.equal(res.status, status, `${init.method} ${path} ${String(init.body)}`);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, code);
  }
  assert.equal((await fetch(`${server.origin}/demo/api/classes/${room}`, { method: 'DELETE' })).status, 204);
  assert.equal((await fetch(`${server.origin}/demo/api/classes/${room}`)).status, 404);
});
