/**
 * <antichambre-queue> against the REAL queue server (src/server/http/serve.ts, started by the test runner with
 * capacity 0): a pupil waits, keeps the place across a reload, and gets in when the admin opens a seat.
 */
import { expect, fixture, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/element/queue/antichambre-queue.js';
import type { AntichambreQueue } from '../../../src/element/queue/antichambre-queue.js';
import { clearAdmissionCookie, faultEndpoint, faultRequests, panelText, servers, slotShown, until, untilText, uniqueRoom } from '../support/helpers.js';

const mount = (room: string, endpoint = servers.real!.apiUrl) =>
  fixture<AntichambreQueue>(
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-queue endpoint="${endpoint}" room="${room}"><form><button>Se connecter</button></form></antichambre-queue>`,
    }).content.firstElementChild as AntichambreQueue,
  );

describe('with the real queue server', function () {
  before(function () {
    if (!servers.real) this.skip();
  });
  afterEach(() => clearAdmissionCookie());

  it('capacity 0: the pupil sees a position; a reload keeps the same ticket; an opened seat lets them in', async () => {
    const room = uniqueRoom('college');
    expect(await executeServerCommand<number, object>('admin-room', { room, capacity: 0, admitPerMinute: 60, open: true })).to.be.below(300);

    const firstJoin = oneEvent(document, 'antichambre-joined');
    const first = await mount(room);
    const { detail: joined } = await firstJoin;
    expect(joined.resumed).to.be.false;
    await untilText(first, /Vous êtes en position 1\b/);
    expect(panelText(first)).to.include('Personne devant vous');
    expect(slotShown(first)).to.be.false;
    await expect(first).to.be.accessible();

    // A reload: the element goes away, a new one starts for the same endpoint + room.
    first.remove();
    const resumed = oneEvent(document, 'antichambre-joined');
    const second = await mount(room);
    const { detail: again } = await resumed;
    expect(again).to.deep.include({ id: joined.id, resumed: true });
    await untilText(second, /Vous êtes en position 1\b/);
    const status = await executeServerCommand<{ waiting: number }, { room: string }>('room-status', { room });
    expect(status.waiting).to.equal(1, 'the reload did not take a second place');

    const admitted = oneEvent(second, 'antichambre-admitted');
    expect(await executeServerCommand<number, object>('admin-room', { room, capacity: 1 })).to.be.below(300);
    const { detail } = await admitted;
    await second.updateComplete;
    expect(detail.token.split('.')).to.have.length(3, 'a JWT');
    expect(Date.parse(detail.expiresAt)).to.be.above(Date.now());
    expect(slotShown(second)).to.be.true;
    expect(document.cookie).to.include(`antichambre_admission=${detail.token}`);
    await expect(second).to.be.accessible();
  });

  it('503 with Retry-After: 7 in front of it: the widget waits at least 7 s, keeps its ticket, then resumes', async function () {
    this.timeout(40_000);
    const room = uniqueRoom('college');
    expect(await executeServerCommand<number, object>('admin-room', { room, capacity: 0, admitPerMinute: 60, open: true })).to.be.below(300);
    // The fault server stands in front of the real one: the first status answer is a 503, everything else is real.
    const busy = { status: 503, headers: { 'Retry-After': '7' }, body: { error: { code: 'unavailable', message: 'busy' } } };
    const { endpoint, scenario } = await faultEndpoint({ join: [{ forward: true }], status: [busy, { forward: true }] });
    const errorEvent = oneEvent(document, 'antichambre-error');
    const el = await mount(room, endpoint);
    await untilText(el, /Vous êtes en position 1\b/);
    const ticketId = el.ticketId;

    const { detail } = await errorEvent;
    expect(detail.code).to.equal('throttled');
    expect(detail.retryInMs).to.be.within(6_900, 8_400);
    await el.updateComplete;
    expect(panelText(el)).to.match(/Connexion perdue, votre place est conservée, nouvel essai dans [7-9] secondes\./);
    expect(panelText(el)).to.include('Vous êtes en position 1', 'the place stays on screen');

    const statuses = async () => (await faultRequests(scenario)).filter((r) => r.route === 'status');
    await until(async () => (await statuses()).length >= 2, () => 'the retry', 15_000);
    const [refused, retried] = await statuses();
    expect(retried.at - refused.at).to.be.at.least(7_000, 'no request before Retry-After');
    expect(retried.at - refused.at).to.be.below(9_000, 'retried once Retry-After and its jitter had passed');
    await until(() => !/Connexion perdue/.test(panelText(el)), () => `the panel recovers (last: "${panelText(el)}")`);
    expect(panelText(el)).to.include('Vous êtes en position 1');
    expect(el.ticketId).to.equal(ticketId);
    const log = await faultRequests(scenario);
    expect(log.filter((r) => r.route === 'join')).to.have.length(1, 'never joined again');
    expect(new Set(log.filter((r) => r.route === 'status').map((r) => r.authorization)).size).to.equal(1, 'the same credential throughout');
    const status = await executeServerCommand<{ waiting: number }, { room: string }>('room-status', { room });
    expect(status.waiting).to.equal(1, 'the server still holds the one place');
  });
});
