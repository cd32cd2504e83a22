/**
 * While the browser solves the proof of work a room under attack asks for (POW's `verifying` phase), the
 * pupil reads « Vérification de votre navigateur… » (if it lasts beyond the joining quiet second), then the
 * place in line as usual.
 */
import { expect, fixture, fixtureCleanup } from '@open-wc/testing';
import '../../../src/element/queue/antichambre-queue.js';
import type { AntichambreQueue } from '../../../src/element/queue/antichambre-queue.js';
import { faultEndpoint, joined, panelText, untilText, uniqueRoom } from '../support/helpers.js';

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');

/** An easy challenge (the answer is 7 of 0–50) in the server's 428 shape. */
async function powRequired() {
  const salt = 'test-salt?room=r&';
  const challenge = hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${salt}7`)));
  return {
    status: 428,
    body: {
      error: { code: 'pow-required', message: 'This room asks for a proof of work before a join.' },
      pow: { algorithm: 'SHA-256', challenge, maxnumber: 50, salt, signature: 'ab'.repeat(32) },
    },
  };
}

afterEach(() => fixtureCleanup());

it('says « Vérification de votre navigateur… » while the proof of work and its join last', async () => {
  // The join that carries the solution answers after 3 s: the phase lasts past the quiet second.
  const { endpoint } = await faultEndpoint({ join: [await powRequired(), { ...joined(), delayMs: 3_000 }] });
  const el = await fixture<AntichambreQueue>(
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-queue endpoint="${endpoint}" room="${uniqueRoom()}"><form><button>Se connecter</button></form></antichambre-queue>`,
    }).content.firstElementChild as AntichambreQueue,
  );
  await untilText(el, /^Vérification de votre navigateur…$/, 5_000);
  expect(el.phase).to.equal('verifying');
  await untilText(el, /Vous êtes en position 12/, 10_000);
  expect(panelText(el)).not.to.include('Vérification');
});
