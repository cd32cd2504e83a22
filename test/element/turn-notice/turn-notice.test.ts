/**
 * The lazy "your turn" notification chunk on a real Lit host in Chromium, with the browser's Notification
 * API stood in for (a test cannot answer a real permission prompt): the offer, the click that alone asks
 * for permission, and the notification when admission comes while the page is hidden.
 */
import { expect, fixture, fixtureCleanup } from '@open-wc/testing';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { offerTurnNotice, type TurnNoticeEnv } from '../../../src/element/turn-notice/turn-notice.js';
import { emit } from '../../../src/element/events.js';

class NoticeHost extends LitElement {
  turnNotice?: TemplateResult | typeof nothing;
  protected override render() {
    return html`${this.turnNotice}`;
  }
}
customElements.define('notice-host', NoticeHost);

/** A Notification API whose permission prompt answers `answer`, recording what it was asked and shown. */
function fakeApi(permission: NotificationPermission, answer: NotificationPermission = 'granted') {
  const record = { asks: 0, shown: [] as Array<{ title: string; options?: NotificationOptions; onclick?: unknown }> };
  class FakeNotification {
    static permission = permission;
    static async requestPermission() {
      record.asks += 1;
      FakeNotification.permission = answer;
      return answer;
    }
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      const entry = { title, options, onclick: undefined as unknown };
      record.shown.push(entry);
      queueMicrotask(() => (entry.onclick = this.onclick));
    }
    close() {}
  }
  return { record, Api: FakeNotification as unknown as NonNullable<TurnNoticeEnv['Notification']> };
}

const admit = (host: HTMLElement) => emit(host, 'antichambre-admitted', { token: 't', expiresAt: new Date(Date.now() + 60_000).toISOString() }, true);
const button = (host: NoticeHost) => host.shadowRoot!.querySelector('button');

afterEach(() => fixtureCleanup());

describe('turn notice', () => {
  it('offers a button and asks for permission only on its click', async () => {
    const host = await fixture<NoticeHost>(html`<notice-host></notice-host>`);
    const { record, Api } = fakeApi('default');
    offerTurnNotice(host, { Notification: Api, registration: async () => undefined, hidden: () => true });
    await host.updateComplete;
    expect(button(host)!.textContent).to.equal('Me prévenir quand c’est mon tour');
    expect(record.asks).to.equal(0);
    await expect(host).shadowDom.to.be.accessible();
    button(host)!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await host.updateComplete;
    expect(record.asks).to.equal(1);
    expect(button(host)).to.equal(null);
    expect(host.shadowRoot!.textContent).to.contain('Une notification vous préviendra');
  });

  it('admitted while hidden: "C’est votre tour", and its click focuses the tab', async () => {
    const host = await fixture<NoticeHost>(html`<notice-host></notice-host>`);
    const { record, Api } = fakeApi('granted');
    let focused = 0;
    offerTurnNotice(host, { Notification: Api, registration: async () => undefined, hidden: () => true, focus: () => (focused += 1) });
    await host.updateComplete;
    expect(button(host), 'already allowed: nothing to offer').to.equal(null);
    admit(host);
    expect(record.shown.map((n) => n.title)).to.deep.equal(['C’est votre tour']);
    expect(record.shown[0]!.options!.tag).to.equal('antichambre-turn');
    await new Promise((resolve) => setTimeout(resolve, 0));
    (record.shown[0]!.onclick as () => void)();
    expect(focused).to.equal(1);
  });

  it('listens for the admission only while the widget is in the page', async () => {
    const host = await fixture<NoticeHost>(html`<notice-host></notice-host>`);
    const { record, Api } = fakeApi('granted');
    offerTurnNotice(host, { Notification: Api, registration: async () => undefined, hidden: () => true });
    const parent = host.parentNode!;
    host.remove();
    admit(host);
    expect(record.shown, 'removed: its listener went with it').to.deep.equal([]);
    parent.appendChild(host);
    admit(host);
    expect(record.shown.map((n) => n.title)).to.deep.equal(['C’est votre tour']);
  });

  it('admitted while the page is visible: no notification (the pupil sees it)', async () => {
    const host = await fixture<NoticeHost>(html`<notice-host></notice-host>`);
    const { record, Api } = fakeApi('granted');
    offerTurnNotice(host, { Notification: Api, registration: async () => undefined, hidden: () => false });
    admit(host);
    expect(record.shown).to.deep.equal([]);
  });

  it('goes through antichambre’s worker when it controls the page', async () => {
    const host = await fixture<NoticeHost>(html`<notice-host></notice-host>`);
    const { record, Api } = fakeApi('granted');
    const viaWorker: Array<[string, NotificationOptions | undefined]> = [];
    const registration = async () => ({ active: null, showNotification: async (title: string, options?: NotificationOptions) => void viaWorker.push([title, options]) });
    offerTurnNotice(host, { Notification: Api, registration, hidden: () => true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    admit(host);
    expect(viaWorker.map(([title]) => title)).to.deep.equal(['C’est votre tour']);
    expect((viaWorker[0]![1]!.data as { url: string }).url).to.equal(location.href);
    expect(record.shown).to.deep.equal([]);
  });

  it('in English on an English page; nothing at all once permission is denied', async () => {
    const host = await fixture<NoticeHost>(html`<notice-host lang="en"></notice-host>`);
    const { Api } = fakeApi('default', 'denied');
    offerTurnNotice(host, { Notification: Api, registration: async () => undefined });
    await host.updateComplete;
    expect(button(host)!.textContent).to.equal('Notify me when it is my turn');
    button(host)!.click();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await host.updateComplete;
    expect(host.shadowRoot!.textContent!.trim()).to.equal('');

    const denied = await fixture<NoticeHost>(html`<notice-host></notice-host>`);
    offerTurnNotice(denied, { Notification: fakeApi('denied').Api });
    await denied.updateComplete;
    expect(button(denied)).to.equal(null);
  });
});
