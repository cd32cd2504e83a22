/**
 * <antichambre-queue> against the scripted fault server: every state the pupil can see, in French by
 * default, accessible, and the failures that must never cost the pupil their place.
 */
import { expect, fixture, fixtureCleanup, oneEvent } from '@open-wc/testing';
import sinon from 'sinon';
import '../../../src/element/queue/antichambre-queue.js';
import type { AntichambreQueue } from '../../../src/element/queue/antichambre-queue.js';
import {
  admission,
  clearAdmissionCookie,
  faultEndpoint,
  faultRequests,
  joined,
  liveRegion,
  ok,
  panelText,
  sleep,
  slotShown,
  until,
  untilText,
  uniqueRoom,
} from '../support/helpers.js';

const mount = (endpoint: string, room = uniqueRoom(), extra = '') =>
  fixture<AntichambreQueue>(
    // Attributes go through innerHTML-like parsing on purpose: this is how an ENT page configures it.
    Object.assign(document.createElement('template'), {
      innerHTML: `<antichambre-queue endpoint="${endpoint}" room="${room}" ${extra}><form><button>Se connecter</button></form></antichambre-queue>`,
    }).content.firstElementChild as AntichambreQueue,
  );

afterEach(() => {
  fixtureCleanup();
  clearAdmissionCookie();
  sinon.restore();
});

describe('configuration errors', () => {
  for (const [attributes, attribute] of [
    ['room="college-test"', 'endpoint'],
    ['endpoint="/api/v1"', 'room'],
    ['endpoint="/api/v1" room="Collège Jean Moulin"', 'room'],
    ['endpoint="javascript:alert(1)" room="college-test"', 'endpoint'],
    ['endpoint="/api/v1" room="college-test" when-unreachable="later"', 'when-unreachable'],
    ['endpoint="/api/v1" room="college-test" admission-cookie="a b;"', 'admission-cookie'],
  ]) {
    it(`shows a French error for a bad "${attribute}" and sends nothing (${attributes})`, async () => {
      const { endpoint, scenario } = await faultEndpoint({ join: [joined()] });
      const errors: string[] = [];
      sinon.stub(console, 'error');
      const listener = (e: Event) => errors.push((e as CustomEvent<{ message: string }>).detail.message);
      document.addEventListener('antichambre-error', listener);
      const el = await fixture<AntichambreQueue>(
        Object.assign(document.createElement('template'), {
          innerHTML: `<antichambre-queue ${attributes.replace('/api/v1', endpoint)}><form><button>Se connecter</button></form></antichambre-queue>`,
        }).content.firstElementChild as AntichambreQueue,
      );
      document.removeEventListener('antichambre-error', listener);
      // The pupil is told to fetch an adult, and can still sign in; the detail is for the integrator.
      await untilText(el, /^La file d’attente ne fonctionne pas : prévenez votre professeur\.$/);
      expect(el.shadowRoot!.querySelector('[role=alert]')).to.exist;
      expect(errors).to.deep.equal([`L’attribut « ${attribute} » est absent ou invalide.`]);
      expect((console.error as sinon.SinonStub).calledWithMatch(`L’attribut « ${attribute} » est absent ou invalide.`)).to.be.true;
      expect(slotShown(el)).to.be.true;
      await sleep(300);
      expect(await faultRequests(scenario)).to.deep.equal([]);
      await expect(el).to.be.accessible();
    });
  }
});

describe('joining', () => {
  it('shows nothing for a second, then a discreet joining message', async () => {
    const { endpoint } = await faultEndpoint({ join: [{ ...joined(), delayMs: 3_000 }] });
    const el = await mount(endpoint);
    expect(panelText(el)).to.equal('');
    expect(slotShown(el)).to.be.false;
    await untilText(el, /^Connexion à la file d’attente…$/, 2_500);
    await expect(el).to.be.accessible();
  });

  it('admitted at once: only the login form ever appears, and the admission cookie is set', async () => {
    const granted = admission();
    const { endpoint } = await faultEndpoint({ join: [joined({ state: 'admitted', position: null, ahead: 0, admission: granted })] });
    const admitted = oneEvent(document, 'antichambre-admitted');
    const mounted = Object.assign(document.createElement('antichambre-queue'), { innerHTML: '<form><button>Se connecter</button></form>' });
    mounted.setAttribute('endpoint', endpoint);
    mounted.setAttribute('room', uniqueRoom());
    document.body.append(mounted);
    // Record every panel that ever renders: there must be none.
    const panels: string[] = [];
    new MutationObserver(() => mounted.shadowRoot!.querySelector('[part=panel]') && panels.push(panelText(mounted))).observe(mounted.shadowRoot!, {
      subtree: true,
      childList: true,
    });
    const { detail } = await admitted;
    await mounted.updateComplete;
    expect(detail).to.deep.equal(granted);
    expect(slotShown(mounted)).to.be.true;
    expect(panels).to.deep.equal([]);
    expect(document.cookie).to.include(`antichambre_admission=${granted.token}`);
    await expect(mounted).to.be.accessible();
    mounted.remove();
  });
});

describe('waiting', () => {
  it('shows position, people ahead, an estimated range, progress and the last update, in French', async () => {
    const { endpoint } = await faultEndpoint({ join: [joined()] });
    const joinedEvent = oneEvent(document, 'antichambre-joined');
    const positionEvent = oneEvent(document, 'antichambre-position');
    const el = await mount(endpoint);
    expect((await joinedEvent).detail).to.deep.equal({ id: 'ticket-0001', position: 12, resumed: false, lane: undefined });
    expect((await positionEvent).detail).to.deep.equal({ position: 12, ahead: 11, etaSeconds: 300 });
    await untilText(el, /Vous êtes dans la file d’attente/);
    const text = panelText(el);
    expect(text).to.include('Vous êtes dans la file d’attente');
    expect(text).to.include('Vous êtes en position 12');
    expect(text).to.include('11 personnes devant vous');
    expect(text).to.include('Attente estimée : entre 4 et 6 minutes');
    expect(text).to.match(/Dernière mise à jour à \d\d:\d\d:\d\d/);
    // A native <progress> (implicit role progressbar): drawn without any inline style, for strict CSPs.
    const bar = el.shadowRoot!.querySelector('progress')!;
    expect(bar.value).to.equal(0);
    expect(bar.max).to.equal(100);
    expect(bar.getAttribute('aria-label')).to.equal('Progression dans la file');
    expect(el.shadowRoot!.querySelector('[style]'), 'no inline style attribute').to.be.null;
    expect(slotShown(el)).to.be.false;
    expect(el.ticketId).to.equal('ticket-0001');
    await expect(el).to.be.accessible();
  });

  it('progress grows as the line moves; the live region announces positions at most once a minute', async () => {
    const { endpoint } = await faultEndpoint({ join: [joined({ pollAfterMs: 0 })], status: [ok({ position: 7, ahead: 6, pollAfterMs: 0 })] });
    const el = await mount(endpoint);
    await untilText(el, /en position 12/);
    await el.updateComplete;
    // The first position heard says where the pupil is, not « Nouvelle position ».
    expect(liveRegion(el)).to.equal('Dans la file d’attente, vous êtes en position 12.');
    await untilText(el, /en position 7/, 5_000);
    expect(el.shadowRoot!.querySelector('progress')!.value).to.equal(45);
    expect(liveRegion(el)).not.to.include('7', 'a second change within the minute is not announced');
  });

  it('speaks English with lang="en"', async () => {
    const { endpoint } = await faultEndpoint({ join: [joined()] });
    const el = await mount(endpoint, uniqueRoom(), 'lang="en"');
    await untilText(el, /You are number 12/);
    expect(panelText(el)).to.include('11 people ahead of you');
    expect(panelText(el)).to.include('Estimated wait: between 4 and 6 minutes');
    await expect(el).to.be.accessible();
  });

  it("falls back to the document's language", async () => {
    document.documentElement.lang = 'en';
    try {
      const { endpoint } = await faultEndpoint({ join: [joined()] });
      const el = await mount(endpoint);
      await untilText(el, /You are in the waiting line/);
    } finally {
      document.documentElement.lang = 'fr';
    }
  });
});

describe('failures keep the place', () => {
  it('malformed JSON: says the connection is lost, keeps the ticket, and retries', async () => {
    const { endpoint, scenario } = await faultEndpoint({
      join: [joined({ pollAfterMs: 0 })],
      status: [{ status: 200, body: '{"id": "ticket-0001", "state": "wai' }, ok({ position: 11, ahead: 10 })],
    });
    const el = await mount(endpoint);
    await untilText(el, /Connexion perdue, votre place est conservée, nouvel essai dans \d+ secondes?\./, 5_000);
    expect(panelText(el)).to.include('Vous êtes en position 12', 'the last known position stays on screen');
    await expect(el).to.be.accessible();
    await untilText(el, /en position 11/, 5_000);
    expect(panelText(el)).not.to.include('Connexion perdue');
    const log = await faultRequests(scenario);
    expect(log.filter((r) => r.route === 'join')).to.have.length(1, 'never joined a second time');
    expect(log.filter((r) => r.route === 'status').map((r) => r.authorization)).to.deep.equal([
      'Bearer signed-credential-1',
      'Bearer signed-credential-1',
    ]);
  });

  it('503 with Retry-After: counts down to the retry the server asked for', async () => {
    const { endpoint } = await faultEndpoint({
      join: [joined({ pollAfterMs: 0 })],
      status: [{ status: 503, headers: { 'Retry-After': '8' }, body: { error: { code: 'unavailable', message: 'busy' } } }],
    });
    const errorEvent = oneEvent(document, 'antichambre-error');
    const el = await mount(endpoint);
    const { detail } = await errorEvent;
    expect(detail.code).to.equal('throttled');
    expect(detail.retryInMs).to.be.within(7_000, 9_700);
    expect(detail.message).to.equal('Connexion perdue, votre place est conservée');
    await el.updateComplete;
    const first = Number(/nouvel essai dans (\d+) secondes/.exec(panelText(el))![1]);
    expect(first).to.be.within(7, 10);
    await until(() => Number(/nouvel essai dans (\d+) secondes?/.exec(panelText(el))?.[1]) < first, () => 'the countdown moves', 2_500);
  });

  it('offline: says the connection is lost without promising a time, sends nothing, and resumes once online', async () => {
    const { endpoint, scenario } = await faultEndpoint({ join: [joined({ pollAfterMs: 0 })], status: [ok({ position: 11, ahead: 10, pollAfterMs: 0 })] });
    const el = await mount(endpoint);
    await untilText(el, /en position 12/);
    const errorEvent = oneEvent(document, 'antichambre-error');
    window.dispatchEvent(new Event('offline'));
    const { detail } = await errorEvent;
    expect(detail).to.deep.equal({ code: 'network', message: 'Connexion perdue, votre place est conservée', retryInMs: null });
    await el.updateComplete;
    expect(panelText(el)).to.include('Connexion perdue, votre place est conservée. ');
    expect(panelText(el)).not.to.include('nouvel essai');
    expect(panelText(el)).to.include('Vous êtes en position 12');
    await sleep(3_500); // online, the next poll would have gone within 2.8 s
    expect((await faultRequests(scenario)).filter((r) => r.route === 'status')).to.have.length(0);

    window.dispatchEvent(new Event('online'));
    await el.updateComplete;
    expect(panelText(el)).to.match(/Connexion perdue, votre place est conservée, nouvel essai dans [0-2] secondes?\./);
    await untilText(el, /en position 11/, 4_000);
    expect(panelText(el)).not.to.include('Connexion perdue');
  });

  it('a queue API that never answers: "wait" keeps trying and says so', async () => {
    const { endpoint } = await faultEndpoint({ join: [{ status: 0, hangUp: true }] });
    const el = await mount(endpoint);
    await untilText(el, /^Le service d’attente ne répond pas, nouvel essai dans \d+ secondes?\. Réessayer maintenant$/, 5_000);
    expect(slotShown(el)).to.be.false;
    await expect(el).to.be.accessible();
  });

  it('a queue API that never answers: "open" lets the pupil through after a few tries, with a console warning', async () => {
    const warn = sinon.stub(console, 'warn');
    const { endpoint, scenario } = await faultEndpoint({ join: [{ status: 0, hangUp: true }] });
    const el = await mount(endpoint, uniqueRoom(), 'when-unreachable="open"');
    await until(() => slotShown(el), () => 'the login form appears', 15_000);
    expect((await faultRequests(scenario)).length).to.equal(4);
    expect(warn.calledWithMatch(/queue API unreachable, pupil let in/)).to.be.true;
    expect(panelText(el)).to.equal('');
  });
});

describe('the server ends the ticket', () => {
  it('410: an honest message and a button to take a new place, with a new key', async () => {
    const { endpoint, scenario } = await faultEndpoint({
      join: [joined({ pollAfterMs: 0 }), joined({ id: 'ticket-0002', position: 30, ahead: 29 })],
      status: [{ status: 410, body: { error: { code: 'ticket-expired', message: 'gone' } } }, ok({ id: 'ticket-0002', position: 30, ahead: 29 })],
    });
    const el = await mount(endpoint);
    await untilText(el, /^Votre place dans la file a expiré/, 5_000);
    expect(panelText(el)).to.include('Reprendre une place dans la file');
    await expect(el).to.be.accessible();
    el.shadowRoot!.querySelector('button')!.click();
    await untilText(el, /en position 30/);
    const keys = (await faultRequests(scenario)).filter((r) => r.route === 'join').map((r) => r.key);
    expect(keys).to.have.length(2);
    expect(keys[0]).not.to.equal(keys[1]);
  });

  it('410 admission-unclaimed: explains the turn came while away and offers a new place, in French and English', async () => {
    const unclaimed = { status: 410, body: { error: { code: 'admission-unclaimed', message: 'gone' } } };
    const { endpoint } = await faultEndpoint({ join: [joined({ pollAfterMs: 0 })], status: [unclaimed] });
    const errorEvent = oneEvent(document, 'antichambre-error');
    const el = await mount(endpoint);
    await untilText(el, /Votre tour est arrivé pendant votre absence et la place est passée à l’élève suivant/, 5_000);
    expect((await errorEvent).detail.code).to.equal('admission-unclaimed');
    expect(el.shadowRoot!.querySelector('button')!.textContent).to.equal('Reprendre une place dans la file');
    await expect(el).to.be.accessible();

    const english = await faultEndpoint({ join: [joined({ pollAfterMs: 0 })], status: [unclaimed] });
    const en = await mount(english.endpoint, uniqueRoom(), 'lang="en"');
    await untilText(en, /Your turn came while you were away and the seat passed to the next pupil/, 5_000);
  });

  it('401 (credential no longer accepted): says so and offers to rejoin', async () => {
    const { endpoint } = await faultEndpoint({
      join: [joined({ pollAfterMs: 0 })],
      status: [{ status: 401, body: { error: { code: 'unauthorized', message: 'bad signature' } } }],
    });
    const el = await mount(endpoint);
    await untilText(el, /ne reconnaît plus votre ticket/, 5_000);
    expect(el.shadowRoot!.querySelector('button')!.textContent).to.equal('Reprendre une place dans la file');
  });
});

describe('admission after a wait', () => {
  it('reveals the form, sets the cookie, and says it is the pupil’s turn', async () => {
    const granted = admission();
    const { endpoint } = await faultEndpoint({
      join: [joined({ pollAfterMs: 0 })],
      status: [ok({ state: 'admitted', position: null, ahead: 0, admission: granted })],
    });
    const el = await mount(endpoint);
    await untilText(el, /en position 12/);
    const { detail } = await oneEvent(el, 'antichambre-admitted');
    await el.updateComplete;
    expect(detail.token).to.equal(granted.token);
    expect(slotShown(el)).to.be.true;
    expect(panelText(el)).to.equal('C’est votre tour ! Vous pouvez vous connecter.');
    expect(liveRegion(el)).to.equal('C’est votre tour ! Vous pouvez vous connecter.');
    expect(document.cookie).to.include(`antichambre_admission=${granted.token}`);
    await expect(el).to.be.accessible();
  });

  it('in a tab the pupil is not looking at, the title says it is their turn', async () => {
    const { endpoint } = await faultEndpoint({
      join: [joined({ pollAfterMs: 0 })],
      status: [ok({ state: 'admitted', position: null, ahead: 0, admission: admission() })],
    });
    const title = document.title;
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    try {
      const el = await mount(endpoint);
      await oneEvent(el, 'antichambre-admitted');
      await el.updateComplete;
      expect(document.title).to.match(/^C’est votre tour/);
    } finally {
      delete (document as { hidden?: boolean }).hidden;
      document.title = title;
    }
  });

  it('with return-url: navigates unless the page cancels the admitted event', async () => {
    const granted = admission();
    const { endpoint } = await faultEndpoint({ join: [joined({ pollAfterMs: 0 })], status: [ok({ state: 'admitted', position: null, ahead: 0, admission: granted })] });
    const cancel = (e: Event) => e.preventDefault();
    document.addEventListener('antichambre-admitted', cancel);
    try {
      const el = await mount(endpoint, uniqueRoom(), 'return-url="/after-login" admission-cookie="ent_q"');
      // Vetoed: no countdown, the admission with a link to go on.
      await untilText(el, /^C’est votre tour ! Vous pouvez vous connecter\. Continuer$/, 6_000);
      expect(el.shadowRoot!.querySelector('a')!.href).to.equal(`${location.origin}/after-login`);
      expect(slotShown(el)).to.be.false;
      expect(document.cookie).to.include(`ent_q=${granted.token}`);
    } finally {
      document.removeEventListener('antichambre-admitted', cancel);
      clearAdmissionCookie('ent_q');
    }
  });
});
