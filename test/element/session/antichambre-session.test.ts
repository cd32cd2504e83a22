/**
 * <antichambre-session> against the REAL queue server: a pupil admitted on the login page (ticket in
 * IndexedDB, as <antichambre-queue> leaves it) walks away; the warning, the answer by keyboard, the
 * release that lets the next pupil in, heartbeats, other tabs, and a misconfigured page.
 */
import { expect, fixture, fixtureCleanup, oneEvent } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import sinon from 'sinon';
import { createTicketStore } from '../../../src/core/wait/ticket-store.js';
import { tabChannelName } from '../../../src/core/session/tabs.js';
import type { TicketStatus } from '../../../src/core/protocol/protocol.js';
import '../../../src/element/session/antichambre-session.js';
import type { AntichambreSession } from '../../../src/element/session/antichambre-session.js';
import { clearAdmissionCookie, servers, until, uniqueRoom } from '../support/helpers.js';

const api = () => servers.real?.apiUrl ?? `${location.origin}/no-server`;

async function join(room: string): Promise<TicketStatus> {
  const response = await fetch(`${api()}/rooms/${room}/tickets`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ key: `key-${Math.random().toString(36).slice(2)}-${Date.now()}` }),
  });
  return (await response.json()) as TicketStatus;
}

/** A pupil admitted on the login page: what <antichambre-queue> stored and the cookie it set. */
async function admittedPupil(room: string, capacity = 1): Promise<TicketStatus> {
  expect(await executeServerCommand<number, object>('admin-room', { room, capacity, admitPerMinute: 600, open: true })).to.be.below(300);
  const pupil = await join(room);
  expect(pupil.state).to.equal('admitted');
  await createTicketStore(api(), room).save(`key-of-${pupil.id}`, { id: pupil.id, ticket: pupil.ticket, admission: pupil.admission });
  document.cookie = `antichambre_admission=${pupil.admission!.token}; Path=/`;
  return pupil;
}

const roomStatus = (room: string) => executeServerCommand<{ waiting: number; active: number }, { room: string }>('room-status', { room });

async function ticketState(room: string, pupil: TicketStatus): Promise<string> {
  const response = await fetch(`${api()}/rooms/${room}/tickets/${pupil.id}`, { headers: { Authorization: `Bearer ${pupil.ticket}` } });
  return response.status === 200 ? ((await response.json()) as TicketStatus).state : String(response.status);
}

const mount = (room: string, attributes = 'idle-timeout="2" idle-warning="20"') =>
  fixture<AntichambreSession>(
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-session endpoint="${api()}" room="${room}" ${attributes}></antichambre-session>`,
    }).content.firstElementChild as AntichambreSession,
  );

const dialog = (el: AntichambreSession) => el.shadowRoot!.querySelector('dialog');
const dialogText = (el: AntichambreSession) => dialog(el)?.innerText.replace(/\s+/g, ' ').trim() ?? '';
const untilDialog = (el: AntichambreSession, pattern: RegExp, timeoutMs = 10_000) =>
  until(() => dialog(el)?.open && pattern.test(dialogText(el)), () => `dialog ${pattern} (last: "${dialogText(el)}")`, timeoutMs);
/** axe reads colours mid-animation as low contrast: check the dialog once it has settled. */
const settled = async (el: AntichambreSession) => {
  await Promise.all(dialog(el)!.getAnimations({ subtree: true }).map((animation) => animation.finished));
  return el;
};
const untilNoDialog = (el: AntichambreSession) => until(() => !dialog(el), () => `no dialog (last: "${dialogText(el)}")`);

/** Fake Date and timers that also follow real time, so IndexedDB, fetch and `until` keep working. */
const fakeTime = () =>
  sinon.useFakeTimers({ now: Date.now(), toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], shouldAdvanceTime: true });

describe('<antichambre-session> with the real queue server', function () {
  before(function () {
    if (!servers.real) this.skip();
  });
  afterEach(() => {
    fixtureCleanup();
    clearAdmissionCookie();
    sinon.restore();
  });

  it('idle → "Êtes-vous toujours là ?" → Enter on "Je suis là" → the pupil stays, focus comes back', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const field = Object.assign(document.createElement('input'), { id: 'field' });
    document.body.append(field);
    const el = await mount(room);
    field.focus();
    const released = sinon.spy();
    el.addEventListener('antichambre-released', released);

    await untilDialog(el, /Êtes-vous toujours là \?/, 6000);
    const shown = dialog(el)!;
    expect(shown.getAttribute('role')).to.equal('alertdialog');
    expect(dialogText(el)).to.match(/votre session sera fermée dans (1[5-9]|20) secondes/);
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Je suis là', 'focus moved to the button');
    await expect(await settled(el)).to.be.accessible();

    await sendKeys({ press: 'Enter' });
    await untilNoDialog(el);
    expect(document.activeElement).to.equal(field, 'focus is back where the pupil was');
    expect(released.called).to.be.false;
    expect((await roomStatus(room)).active).to.equal(1, 'the seat is still held');
    // And the warning comes back after another idle-timeout: the pupil can extend again and again.
    await untilDialog(el, /Êtes-vous toujours là \?/, 6000);
    await sendKeys({ press: 'Space' });
    await untilNoDialog(el);
    field.remove();
  });

  it('the countdown ends → the release reaches the server → the next pupil is admitted; ticket and cookie are gone', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room, 1);
    const next = await join(room);
    expect(next.state).to.equal('waiting');
    const clock = fakeTime();
    const el = await mount(room);
    await clock.tickAsync(2_100);
    await untilDialog(el, /Êtes-vous toujours là \?/);
    const released = oneEvent(el, 'antichambre-released');
    await clock.tickAsync(20_000);
    const { detail, bubbles, composed } = await released;
    expect(detail).to.deep.equal({ reason: 'idle' });
    expect(bubbles && composed).to.be.true;

    await until(async () => (await ticketState(room, next)) === 'admitted', () => 'the next pupil admitted');
    expect((await roomStatus(room)).waiting).to.equal(0);
    await until(async () => (await createTicketStore(api(), room).read()) === undefined, () => 'stored ticket cleared');
    expect(document.cookie).not.to.include('antichambre_admission=');
    await untilDialog(el, /Session fermée.*Reprendre une place dans la file/);
    await expect(await settled(el)).to.be.accessible();
  });

  it('release() for the ENT logout button: frees the seat at once, fires reason "logout", shows nothing', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const el = await mount(room, '');
    // Clicked at once, while the stored ticket is still being read from IndexedDB: released all the same.
    const released = oneEvent(el, 'antichambre-released');
    await el.release();
    expect((await released).detail.reason).to.equal('logout');
    expect((await roomStatus(room)).active).to.equal(0);
    expect(dialog(el)).to.equal(null);
    expect(el.running).to.be.false;
  });

  it('heartbeats while the pupil is active, at most once a minute; only renewals once the pupil stops', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const realFetch = window.fetch.bind(window);
    const times: number[] = [];
    const answers: Promise<Response>[] = [];
    const bodies: Promise<string>[] = [];
    sinon.stub(window, 'fetch').callsFake((input, init) => {
      const answer = realFetch(input, init);
      if (String(input).endsWith('/heartbeat')) {
        times.push(Date.now());
        answers.push(answer);
        bodies.push(answer.then((response) => response.clone().text()));
      }
      return answer;
    });
    const clock = fakeTime();
    await mount(room, 'idle-timeout="600"');
    for (let s = 0; s < 200; s += 5) {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
      await clock.tickAsync(5_000);
    }
    expect(times.length).to.be.within(2, 3, `heartbeats in 200 s of typing: ${times.length}`);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).to.be.at.least(60_000);
    const statuses = await Promise.all(answers.map(async (answer) => (await answer).status));
    expect(statuses.every((s) => s === 200)).to.be.true;
    // One last heartbeat may still report the final keystrokes; after that, only the renewals of the
    // 5-minute admission, at half its life: the idle release (idle-timeout) is what ends them.
    // The fake clock would run minutes in a few real milliseconds, before any answer (whose fresh
    // admission sets the next renewal) is back: move it 5 s at a time and let the answers in.
    const advance = async (ms: number) => {
      for (let step = 0; step < ms; step += 5_000) {
        await clock.tickAsync(5_000);
        await Promise.all(bodies);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    await advance(80_000);
    const count = times.length;
    await advance(300_000);
    expect(times.length - count).to.be.within(1, 3, 'renewals only');
    for (let i = count; i < times.length; i++) expect(times[i]! - times[i - 1]!).to.be.at.least(140_000);
  });

  it('renews the admission cookie before it expires while the pupil reads without any input (admissions of 4 s, real time)', async function () {
    if (!servers.shortLived) this.skip();
    const endpoint = servers.shortLived!.apiUrl;
    const room = uniqueRoom('renewal');
    // What <antichambre-queue> leaves on the login page: the stored ticket, and a cookie that lives as long as the token.
    const response = await fetch(`${endpoint}/rooms/${room}/tickets`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: `key-${Math.random().toString(36).slice(2)}-${Date.now()}` }),
    });
    const pupil = (await response.json()) as TicketStatus;
    expect(pupil.state).to.equal('admitted');
    await createTicketStore(endpoint, room).save(`key-of-${pupil.id}`, { id: pupil.id, ticket: pupil.ticket, admission: pupil.admission });
    document.cookie = `antichambre_admission=${pupil.admission!.token}; Path=/; Max-Age=4`;
    const cookieToken = () => /(?:^|; )antichambre_admission=([^;]*)/.exec(document.cookie)?.[1];
    const realFetch = window.fetch.bind(window);
    let beats = 0;
    sinon.stub(window, 'fetch').callsFake((input, init) => {
      if (String(input).endsWith('/heartbeat')) beats++;
      return realFetch(input, init);
    });
    const el = fixture<AntichambreSession>(
      Object.assign(document.createElement('template'), {
        innerHTML: `<antichambre-session endpoint="${endpoint}" room="${room}" idle-timeout="600"></antichambre-session>`,
      }).content.firstElementChild as AntichambreSession,
    );
    await until(async () => (await el).running, () => 'session running');
    // 14 s without a key, a click or a move: three and a half lives of the token. Chromium drops an
    // expired cookie, so a cookie still there and passing the gate was renewed before each expiry.
    const seen = new Set<string>();
    for (let i = 0; i < 28; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const token = cookieToken();
      expect(token, `cookie present after ${(i + 1) / 2} s`).to.be.a('string');
      seen.add(token!);
    }
    expect(seen.size).to.be.at.least(4, 'a fresh token every ~2 s');
    expect(beats).to.be.within(4, 12, 'renewals at half the life, not a flood');
    const gate = await realFetch(`${endpoint}/verify?room=${room}`, { headers: { Authorization: `Bearer ${cookieToken()!}` } });
    expect(gate.status).to.equal(200, 'the renewed cookie passes the gate');
    expect((await createTicketStore(endpoint, room).read())?.admission?.token).to.equal(cookieToken(), 'the next ENT page starts from the fresh admission');
    expect(dialog(await el)).to.equal(null);
  });

  it('activity in another tab prevents the warning here, and dismisses it once shown', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const el = await mount(room);
    const otherTab = new BroadcastChannel(tabChannelName(api(), room));
    try {
      for (let i = 0; i < 6; i++) {
        otherTab.postMessage({ type: 'activity', at: Date.now() });
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect(dialog(el), `no warning after ${(i + 1) * 0.7} s`).to.equal(null);
      }
      await untilDialog(el, /Êtes-vous toujours là \?/, 6000);
      otherTab.postMessage({ type: 'activity', at: Date.now() });
      await untilNoDialog(el);
      expect((await roomStatus(room)).active).to.equal(1);
    } finally {
      otherTab.close();
    }
  });

  it('moved in the page (disconnected, reconnected), the element keeps watching the pupil', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const el = await mount(room);
    await until(() => el.running, () => 'session running');
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await untilDialog(el, /Êtes-vous toujours là \?/, 6000);
  });

  it('a release in another tab ends this one too, with a French explanation', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const el = await mount(room, 'idle-timeout="600"');
    await until(() => el.running, () => 'session running');
    const otherTab = new BroadcastChannel(tabChannelName(api(), room));
    const released = oneEvent(el, 'antichambre-released');
    otherTab.postMessage({ type: 'released', reason: 'idle' });
    otherTab.close();
    expect((await released).detail.reason).to.equal('idle');
    await untilDialog(el, /Session fermée Votre place a été libérée pour un autre élève/);
  });
});

describe('<antichambre-session> misconfigured or without a ticket', () => {
  afterEach(() => {
    fixtureCleanup();
    sinon.restore();
  });

  it('invalid idle attributes: a console error each, and the defaults (15 min, then 20 s at least)', async function () {
    if (!servers.real) this.skip();
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const errors = sinon.stub(console, 'error');
    const clock = fakeTime();
    const el = await mount(room, 'idle-timeout="15m" idle-warning="5"');
    await until(() => el.running, () => 'session running');
    expect(errors.args.map((a) => String(a[0]))).to.deep.equal([
      '<antichambre-session>: idle-timeout="15m" is not a whole number of seconds (write e.g. "900", without units or decimals); using the default (900 s).',
      '<antichambre-session>: idle-warning="5" is shorter than the 20 s that WCAG 2.2.1 requires to respond; using 20 s.',
    ]);
    await clock.tickAsync(899_000);
    expect(dialog(el)).to.equal(null, 'no warning before 900 s');
    await clock.tickAsync(1_500);
    await untilDialog(el, /dans (19|20) secondes/);
    clearAdmissionCookie();
  });

  it('idleTimeout and idleWarning set as properties from JavaScript (el.idleTimeout = 2) are the timing used', async function () {
    if (!servers.real) this.skip();
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const clock = fakeTime();
    const el = document.createElement('antichambre-session');
    Object.assign(el, { endpoint: api(), room, idleTimeout: 2, idleWarning: '30' });
    await fixture(el);
    await until(() => el.running, () => 'session running');
    await clock.tickAsync(2_100);
    await untilDialog(el, /votre session sera fermée dans (2[5-9]|30) secondes/, 2_000);
    clearAdmissionCookie();
  });

  it('a bad endpoint: a console error, and nothing else happens', async () => {
    const errors = sinon.stub(console, 'error');
    const el = await fixture<AntichambreSession>(
      Object.assign(document.createElement('template'), {
        innerHTML: `<antichambre-session endpoint="javascript:alert(1)" room="college-test"></antichambre-session>`,
      }).content.firstElementChild as AntichambreSession,
    );
    await until(() => errors.called, () => 'console.error');
    expect(String(errors.firstCall.args[0])).to.match(/^<antichambre-session>: .*session mode is off\.$/);
    expect(el.shadowRoot!.childElementCount).to.equal(0);
  });

  it('no admitted ticket stored (a page before login): one console.info, no UI, no request', async () => {
    const info = sinon.stub(console, 'info');
    const fetchSpy = sinon.spy(window, 'fetch');
    const room = uniqueRoom('no-ticket');
    const first = await mount(room, '');
    await mount(room, '');
    await until(() => info.called, () => 'console.info');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(info.callCount).to.equal(1, 'said once per page');
    expect(String(info.firstCall.args[0])).to.match(/no admitted ticket stored .* session mode is off/);
    expect(fetchSpy.called).to.be.false;
    expect(dialog(first)).to.equal(null);
  });
});

describe('<antichambre-session> for a pupil who cannot see the screen (issue 14)', function () {
  before(function () {
    if (!servers.real) this.skip();
  });
  afterEach(() => {
    fixtureCleanup();
    clearAdmissionCookie();
    sinon.restore();
  });
  const live = (el: AntichambreSession) => el.shadowRoot!.querySelector('[aria-live=polite]')?.textContent ?? '';

  it('Tab inside the warning neither closes it nor drops focus; the text says which button to press', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const field = Object.assign(document.createElement('input'), { id: 'pupil-field' });
    document.body.append(field);
    const el = await mount(room);
    field.focus();
    await untilDialog(el, /Êtes-vous toujours là \?/, 6000);
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Je suis là');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Tab' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dialog(el)?.open, 'the warning stays').to.be.true;
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Je suis là');
    expect(dialogText(el)).to.match(/Appuyez sur « Je suis là » pour garder votre place\. Sinon, votre session sera fermée dans \d+ secondes/);
    field.remove();
  });

  it('speaks the time left at 30 and 10 seconds, once each, and empties the live region in between', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const clock = fakeTime();
    const el = await mount(room, 'idle-timeout="2" idle-warning="40"');
    await until(() => el.running, () => 'session running');
    await clock.tickAsync(2_500);
    await untilDialog(el, /Êtes-vous toujours là \?/);
    expect(live(el)).to.equal('', 'the opening dialog speaks for itself');
    await clock.tickAsync(11_000); // 29 s left
    await el.updateComplete;
    expect(live(el)).to.match(/^Il reste (29|30) secondes\.$/);
    await clock.tickAsync(7_000); // 22 s left
    await el.updateComplete;
    expect(live(el)).to.equal('', 'never a stale figure beside the countdown');
    await clock.tickAsync(13_000); // 9 s left
    await el.updateComplete;
    expect(live(el)).to.match(/^Il reste (9|10) secondes\.$/);
  });

  it('in a document without focus (a frame of a teacher’s page) the warning shows without taking focus; window focus is not activity', async () => {
    const room = uniqueRoom('session');
    await admittedPupil(room);
    const field = Object.assign(document.createElement('input'), { id: 'teacher-field' });
    document.body.append(field);
    field.focus();
    const hasFocus = sinon.stub(document, 'hasFocus').returns(false);
    const el = await mount(room);
    await untilDialog(el, /Êtes-vous toujours là \?/, 6000);
    expect(dialog(el)!.matches(':modal'), 'not modal: nothing traps or takes focus').to.be.false;
    expect(document.activeElement).to.equal(field, 'focus stays where it was');
    // The document gets focus back (the frame is clicked): the warning becomes modal, its button focused,
    // and that window `focus` is not taken for the pupil's answer.
    hasFocus.returns(true);
    window.dispatchEvent(new FocusEvent('focus'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dialog(el)?.open, 'still warning: a focus event is not the pupil').to.be.true;
    expect(dialog(el)!.matches(':modal')).to.be.true;
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Je suis là');
    field.remove();
  });
});
