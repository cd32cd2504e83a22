/**
 * A reload shows the place at once (issue 11): the ticket store keeps the last status with the ticket, and
 * the widget shows it, marked as the last known position, until the server answers, however slowly.
 */
import { expect, fixture, fixtureCleanup, oneEvent } from '@open-wc/testing';
import '../../../src/element/queue/antichambre-queue.js';
import type { AntichambreQueue } from '../../../src/element/queue/antichambre-queue.js';
import { faultEndpoint, joined, ok, panelText, untilText, uniqueRoom, type FaultReply } from '../support/helpers.js';

const mount = (endpoint: string, room: string) =>
  fixture<AntichambreQueue>(
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-queue endpoint="${endpoint}" room="${room}"><form><button>Se connecter</button></form></antichambre-queue>`,
    }).content.firstElementChild as AntichambreQueue,
  );

/** Joins (position 12), then "reloads": a new element for the same room, with `status` as the server's next answer. */
async function reloadWith(status: FaultReply): Promise<AntichambreQueue> {
  const room = uniqueRoom('kept');
  const { endpoint } = await faultEndpoint({ join: [joined({ pollAfterMs: 60_000 })], status: [status] });
  await untilText(await mount(endpoint, room), /en position 12/);
  fixtureCleanup();
  return mount(endpoint, room);
}

afterEach(() => fixtureCleanup());

describe('after a reload', () => {
  it('shows the kept position at once, marked as last known, until a slow status answer replaces it', async () => {
    const el = await reloadWith({ ...ok({ position: 9, ahead: 8 }), delayMs: 4_000 });
    const joinedEvent = oneEvent(el, 'antichambre-joined');
    // The first status waits for the scheduler's spread (up to 5 s) and then 4 s more: what shows within
    // 2 s can only come from storage.
    await untilText(el, /Dernière position connue, à \d\d:\d\d/, 2_000);
    expect(panelText(el)).to.include('Vous êtes en position 12');
    expect(panelText(el)).to.include('11 personnes devant vous');
    expect(panelText(el)).not.to.include('Dernière mise à jour');
    expect(panelText(el)).not.to.include('Connexion à la file d’attente');

    await untilText(el, /en position 9/, 15_000);
    expect(panelText(el)).to.match(/Dernière mise à jour à \d\d:\d\d/);
    expect(panelText(el)).not.to.include('Dernière position connue');
    // The page hears of the place only once the server confirmed it.
    expect((await joinedEvent).detail).to.deep.equal({ id: 'ticket-0001', position: 9, resumed: true, lane: undefined });
    await expect(el).to.be.accessible();
  });

  it('keeps showing the kept position when the status request fails, with the reason', async () => {
    const el = await reloadWith({ hangUp: true });
    await untilText(el, /Dernière position connue/, 2_000);
    await untilText(el, /Connexion perdue, votre place est conservée/, 15_000);
    expect(panelText(el)).to.include('Vous êtes en position 12');
  });
});
