/**
 * Issue 18's promise, end to end: a staff pass minted as docs/integration.md says (jose, ES256, the room's
 * public key in `passKeys`) puts a real browser ahead of a line of pupils who joined over HTTP, and it is
 * let in first when a seat opens; a forged, an expired and another room's pass put their browser in the
 * pupils' line, with one console line each and nothing said to the user. The widget comes from dist/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/http/serve.js';
import { launchChromium } from '../support/browser.js';
import { htmlPage, startPageServer, type PageServer } from './page-server.js';

const ROOM = 'college-jean-moulin';
const KID = 'ent-2026';
let api: RunningServer;
let ent: PageServer;
let browser: Browser;
let entKey: CryptoKey;

before(async () => {
  api = await startServer({ port: 0, capacity: 0, admitPerMinute: 600 });
  ent = await startPageServer();
  browser = await launchChromium();
  // The ENT's key pair, made once as the docs say; the room gets the public half only.
  const pair = await generateKeyPair('ES256', { extractable: true });
  entKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID };
  await admin({ capacity: 0, lanes: [{ name: 'personnels', share: 0.5 }], passKeys: { publicKeys: [publicJwk] } });
});

after(async () => {
  await browser?.close();
  await ent?.close();
  await api?.close();
});

async function admin(body: object): Promise<void> {
  const res = await fetch(`${api.apiUrl}/admin/rooms/${ROOM}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `admin PUT answered ${res.status}: ${await res.text()}`);
}

/** docs/integration.md, "Minting a pass (Node)", with what each case changes. */
function mintPass(userId: string, { key = entKey, room = ROOM, expires = '8h' as string | number } = {}): Promise<string> {
  return new SignJWT({ lane: 'personnels' })
    .setProtectedHeader({ alg: 'ES256', kid: KID })
    .setSubject(userId)
    .setAudience(room)
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key);
}

async function pupilJoins(): Promise<string> {
  const res = await fetch(`${api.apiUrl}/rooms/${ROOM}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key: randomBytes(24).toString('base64url') }),
  });
  const body = (await res.json()) as { id: string; ticket: string; position: number; lane?: string };
  assert.equal(body.lane, undefined);
  return `${body.id} ${body.ticket}`;
}

async function stateOf(pupil: string): Promise<string> {
  const [id, credential] = pupil.split(' ');
  const res = await fetch(`${api.apiUrl}/rooms/${ROOM}/tickets/${id}`, { headers: { authorization: `Bearer ${credential}` } });
  return ((await res.json()) as { state: string }).state;
}

/** A login page of the ENT; `pass` in the attribute, or in the cookie the ENT set at sign-in. */
async function openLogin(path: string, pass: { attribute?: string; cookie?: string }): Promise<{ context: BrowserContext; page: Page; info: string[] }> {
  const attribute = pass.attribute ? ` pass="${pass.attribute}"` : '';
  ent.route(
    path,
    htmlPage(`<antichambre-queue endpoint="${api.apiUrl}" room="${ROOM}"${attribute}><form><button>Se connecter</button></form></antichambre-queue>`, '<script type="module" src="/antichambre.js"></script>'),
    pass.cookie ? { 'Set-Cookie': `antichambre_pass=${pass.cookie}; Path=/; SameSite=Lax` } : {},
  );
  const context = await browser.newContext();
  const page = await context.newPage();
  const info: string[] = [];
  page.on('console', (m) => m.type() === 'info' && info.push(m.text()));
  await page.goto(`${ent.origin}${path}`);
  return { context, page, info };
}

test('a staff pass puts a browser ahead of the pupils and in first; a forged, an expired, an other-room pass do not', async () => {
  const pupils = [await pupilJoins(), await pupilJoins(), await pupilJoins()];
  const other = (await generateKeyPair('ES256')).privateKey;
  const refused = [
    { path: '/forged', pass: await mintPass('prof-forged', { key: other }), code: 'pass-invalid' },
    { path: '/expired', pass: await mintPass('prof-expired', { expires: Math.floor(Date.now() / 1000) - 60 }), code: 'pass-expired' },
    { path: '/other-room', pass: await mintPass('prof-other', { room: 'lycee-victor-hugo' }), code: 'pass-wrong-room' },
  ];
  const contexts: BrowserContext[] = [];
  const positions = await Promise.all(
    refused.map(async ({ path, pass, code }) => {
      const { context, page, info } = await openLogin(path, { attribute: pass });
      contexts.push(context);
      const widget = page.locator('antichambre-queue');
      // Behind the three pupils, in their line: nothing about lanes, one console line for the integrator.
      const position = widget.locator('[part=position]');
      await position.waitFor({ timeout: 15_000 });
      assert.equal(await widget.getByText(/prioritaire/).count(), 0, path);
      assert.deepEqual(info, [`<antichambre-queue>: ${code}`], path);
      return Number(await position.innerText());
    }),
  );
  assert.deepEqual(positions.sort(), [4, 5, 6]);

  // The teacher: the ENT set the pass cookie at sign-in (docs/integration.md, "Passes").
  const staff = await openLogin('/login', { cookie: await mintPass('prof-1234') });
  contexts.push(staff.context);
  const widget = staff.page.locator('antichambre-queue');
  await widget.getByText('File prioritaire : personnels').waitFor({ timeout: 15_000 });
  await widget.getByText(/Vous êtes en position 1\b/).waitFor();
  assert.deepEqual(staff.info, []);

  // One seat opens: the teacher gets it, every pupil and refused pass still waits.
  await admin({ capacity: 1 });
  await staff.page.getByRole('button', { name: 'Se connecter' }).waitFor({ state: 'visible', timeout: 30_000 });
  assert.deepEqual(await Promise.all(pupils.map(stateOf)), ['waiting', 'waiting', 'waiting']);
  const room = (await (await fetch(`${api.apiUrl}/rooms/${ROOM}`)).json()) as { waiting: number; active: number };
  assert.deepEqual([room.active, room.waiting], [1, 6]);
  for (const context of contexts) await context.close();
});
