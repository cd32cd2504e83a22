/**
 * Recipe (a), the widget on the login page and no gate (issue 13), in real Chromium against the real queue
 * server: the README's login-page snippet is the recipe's login page and the teachers' page's snippet, to the
 * byte; as an ENT copies it, the pupil waits, the form appears once, the ENT checks the admission at sign-in,
 * the pages after login hold docs/recipes/widget/ent-pages.html, and logging out lands on the page without
 * the widget, not back in line. The widget comes from dist/ (npm run build).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { entSnippets } from '../../demo/ent-snippet.js';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { createAdmissionVerifier } from '../../src/server/admission/verify-admission.js';
import { launchChromium } from '../support/browser.js';
import { RequestCounter, sleep, waitInLine } from '../support/tab-counter.js';
import { adaptSnippet, htmlPage, readmeSnippet, startPageServer, type PageServer } from './page-server.js';

const ROOM = 'recette-a';
const recipe = (file: string) => readFile(new URL(`../../docs/recipes/widget/${file}`, import.meta.url), 'utf8');

let api: RunningServer;
let ent: PageServer;
let browser: Browser;
const counter = new RequestCounter();

before(async () => {
  api = await startServer({ port: 0, capacity: 0, admitPerMinute: 600, intercept: counter.intercept });
  ent = await startPageServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await ent?.close();
  await api?.close();
});

test("the README's login snippet is the recipe's login page and the teachers' page's snippet", async () => {
  const readme = await readmeSnippet();
  assert.equal(readme, await recipe('login.html'), 'README.md and docs/recipes/widget/login.html differ');
  const teachers = entSnippets({ room: 'college-jean-moulin', endpoint: 'https://file.ent.example/api/v1', idleMinutes: '15' });
  assert.ok(teachers.ok);
  assert.equal(`${teachers.login}\n`, readme, "the teachers' page (demo/ent-snippet.ts) gives another snippet");
  assert.doesNotMatch(readme, /return-url/, 'recipe (a) reveals the form in place: nothing to navigate to');
});

test('recipe (a) as copied: wait, the form appears, sign in with the admission, browse, log out without rejoining', async () => {
  const apiPaths = { apiUrl: api.apiUrl, room: ROOM };
  // The "…" of the snippet stands for the ENT's own form: this ENT's is one field and a button.
  const login = adaptSnippet(await readmeSnippet(), apiPaths).replace('…', '<input name="user" aria-label="Identifiant"><button>Se connecter</button>');
  const pages = adaptSnippet(await recipe('ent-pages.html'), apiPaths);
  const verify = createAdmissionVerifier({ jwksUrl: `${api.apiUrl}/.well-known/jwks.json`, room: ROOM });
  const verdicts: boolean[] = [];
  ent.route('/login', (request, response) => {
    if (request.method !== 'POST') return void response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(htmlPage(login));
    // The ENT's sign-in checks the admission the widget left in the cookie (docs/integration.md).
    const token = /(?:^|;\s*)antichambre_admission=([^;]+)/.exec(request.headers.cookie ?? '')?.[1] ?? '';
    request.resume();
    void verify(decodeURIComponent(token)).then((verdict) => {
      verdicts.push(verdict.valid);
      response.writeHead(303, { Location: verdict.valid ? '/accueil' : '/login' }).end();
    });
  });
  ent.route('/accueil', htmlPage(`<h1>Accueil</h1><a href="/logout">Se déconnecter</a>`, pages));
  ent.route('/logout', (_request, response) => void response.writeHead(303, { Location: '/au-revoir' }).end());
  ent.route('/au-revoir', await recipe('au-revoir.html'));

  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${ent.origin}/login`);
  await waitInLine(page);
  assert.equal(await page.locator('form').isVisible(), false, 'the form is hidden while the pupil waits');
  await fetch(`${api.apiUrl}/admin/rooms/${ROOM}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity: 1, admitPerMinute: 600, open: true }),
  });
  await page.locator('form').waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(ent.loads('/login'), 1, 'revealed in place: no navigation');
  await page.getByLabel('Identifiant').fill('eleve');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { name: 'Accueil' }).waitFor();
  assert.deepEqual(verdicts, [true], 'the ENT verified the admission at sign-in');

  await page.getByRole('link', { name: 'Se déconnecter' }).click();
  await page.getByRole('heading', { name: 'Vous êtes déconnecté' }).waitFor();
  await sleep(4_000);
  assert.equal(new URL(page.url()).pathname, '/au-revoir', 'the pupil stays on the page without the widget');
  assert.equal(counter.of(ROOM).joins, 1, 'logging out did not join the line again');
  const room = (await (await fetch(`${api.apiUrl}/admin/rooms/${ROOM}`, { headers: { authorization: `Bearer ${api.adminToken}` } })).json()) as { active: number };
  assert.equal(room.active, 0, 'the seat is free for the next pupil');
  await context.close();
});
