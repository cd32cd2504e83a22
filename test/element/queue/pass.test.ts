/**
 * Priority passes in <antichambre-queue> (issue 18): the pass the ENT gives (attribute, else the first-party
 * cookie) goes with the join; a priority line is said plainly; a refused pass costs the pupil nothing and
 * the integrator reads why in the console.
 */
import { expect, fixture, fixtureCleanup, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../../src/element/queue/antichambre-queue.js';
import type { AntichambreQueue } from '../../../src/element/queue/antichambre-queue.js';
import { faultEndpoint, faultRequests, joined, ok, panelText, untilText, uniqueRoom } from '../support/helpers.js';

const PASS = 'eyJhbGciOiJFUzI1NiJ9.eyJsYW5lIjoicGVyc29ubmVscyJ9.c2lnbmF0dXJl';

const mount = (endpoint: string, extra = '') =>
  fixture<AntichambreQueue>(
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-queue endpoint="${endpoint}" room="${uniqueRoom()}" ${extra}><form><button>Se connecter</button></form></antichambre-queue>`,
    }).content.firstElementChild as AntichambreQueue,
  );
const joins = async (scenario: string) => (await faultRequests(scenario)).filter((r) => r.route === 'join');
const clearPassCookie = () => (document.cookie = 'antichambre_pass=; Path=/; Max-Age=0');

afterEach(() => {
  fixtureCleanup();
  clearPassCookie();
  sinon.restore();
});

describe('priority passes', () => {
  it('sends the pass attribute with the join, says « File prioritaire : personnels » and tells the lane in antichambre-joined', async () => {
    // The status poll carries the lane too: the line stays said after the first poll.
    const { endpoint, scenario } = await faultEndpoint({ join: [joined({ lane: 'personnels', position: 1, ahead: 0, pollAfterMs: 0 })], status: [ok({ lane: 'personnels', position: 1, ahead: 0 })] });
    const joinedEvent = oneEvent(document, 'antichambre-joined');
    const el = await mount(endpoint, `pass="${PASS}"`);
    expect((await joinedEvent).detail).to.deep.equal({ id: 'ticket-0001', position: 1, resumed: false, lane: 'personnels' });
    await untilText(el, /File prioritaire : personnels/);
    expect(el.shadowRoot!.querySelector('[part=lane]')!.textContent).to.equal('File prioritaire : personnels');
    expect((await joins(scenario)).map((r) => r.pass)).to.deep.equal([PASS]);
    await expect(el).to.be.accessible();
  });

  it('without the attribute, sends the first-party cookie antichambre_pass; says "Priority line" in English', async () => {
    document.cookie = `antichambre_pass=${PASS}; Path=/`;
    const { endpoint, scenario } = await faultEndpoint({ join: [joined({ lane: 'personnels' })] });
    const el = await mount(endpoint, 'lang="en"');
    await untilText(el, /Priority line: personnels/);
    expect((await joins(scenario)).map((r) => r.pass)).to.deep.equal([PASS]);
  });

  it('a pupil without a pass sends none and reads nothing about lines', async () => {
    document.cookie = 'antichambre_passes=not-this-one; Path=/';
    try {
      const { endpoint, scenario } = await faultEndpoint({ join: [joined()] });
      const el = await mount(endpoint);
      await untilText(el, /Vous êtes en position 12/);
      expect(panelText(el)).not.to.match(/prioritaire|File /);
      expect(el.shadowRoot!.querySelector('[part=lane]')).to.be.null;
      const [join] = await joins(scenario);
      expect(join.key).to.be.a('string');
      expect(join.pass).to.equal(undefined);
    } finally {
      document.cookie = 'antichambre_passes=; Path=/; Max-Age=0';
    }
  });

  it('a refused pass: the pupil waits in the default line as usual, and one console.info says why', async () => {
    const info = sinon.stub(console, 'info');
    const { endpoint } = await faultEndpoint({ join: [joined({ passRefused: 'pass-expired', pollAfterMs: 0 })], status: [ok({ position: 11, ahead: 10 })] });
    const joinedEvent = oneEvent(document, 'antichambre-joined');
    const el = await mount(endpoint, `pass="${PASS}"`);
    expect((await joinedEvent).detail.lane).to.equal(undefined);
    await untilText(el, /Vous êtes en position 11/);
    expect(panelText(el)).not.to.match(/prioritaire/);
    expect(info.args).to.deep.equal([['<antichambre-queue>: pass-expired']]);
  });
});
