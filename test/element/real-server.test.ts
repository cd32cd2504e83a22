/**
 * <antichambre-queue> against the REAL queue server (src/server/serve.ts, started by the test runner with
 * capacity 0): a pupil waits, keeps the place across a reload, and gets in when the admin opens a seat.
 */
import { expect, fixture, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/element/antichambre-queue.js';
import type { AntichambreQueue } from '../../src/element/antichambre-queue.js';
import { clearAdmissionCookie, panelText, servers, slotShown, untilText, uniqueRoom } from './support/helpers.js';

const mount = (room: string) =>
  fixture<AntichambreQueue>(
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-queue endpoint="${servers.real!.apiUrl}" room="${room}"><form><button>Se connecter</button></form></antichambre-queue>`,
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
});
