/** What the element tests share: server commands, status builders, and reading what the pupil sees. */
import { executeServerCommand } from '@web/test-runner-commands';
import type { TicketStatus } from '../../../src/core/protocol/protocol.js';
import type { AntichambreQueue } from '../../../src/element/queue/antichambre-queue.js';
import type { FaultReply, FaultRequest, FaultScript, TestServersState } from './test-servers-plugin.js';

export type { FaultReply };

export const servers = (window as unknown as { __ANTICHAMBRE_TEST__: TestServersState }).__ANTICHAMBRE_TEST__;

/** Rooms are unique per test: test files share one origin, hence one IndexedDB. */
export const uniqueRoom = (prefix = 'room') => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/** Programs the fault server and returns the endpoint to give the element. */
export async function faultEndpoint(script: FaultScript): Promise<{ endpoint: string; scenario: string }> {
  const scenario = uniqueRoom('s');
  await executeServerCommand('fault-script', { scenario, script });
  return { endpoint: `${location.origin}/fault/${scenario}`, scenario };
}

export const faultRequests = (scenario: string) => executeServerCommand<FaultRequest[], { scenario: string }>('fault-log', { scenario });

export function ticketStatus(overrides: Partial<TicketStatus> = {}): TicketStatus {
  return {
    id: 'ticket-0001',
    room: 'college-test',
    state: 'waiting',
    position: 12,
    ahead: 11,
    etaSeconds: 300,
    etaLowSeconds: 250,
    etaHighSeconds: 350,
    pollAfterMs: 60_000,
    serverTime: new Date().toISOString(),
    ...overrides,
  };
}

export const joined = (overrides: Partial<TicketStatus> = {}): FaultReply => ({
  status: 201,
  body: ticketStatus({ ticket: 'signed-credential-1', ...overrides }),
});
export const ok = (overrides: Partial<TicketStatus> = {}): FaultReply => ({ status: 200, body: ticketStatus(overrides) });
export const admission = () => ({ token: 'header.payload.signature', expiresAt: new Date(Date.now() + 30 * 60_000).toISOString() });

/** The text of the widget's visible panel, whitespace-collapsed ('' when nothing shows). */
export function panelText(el: AntichambreQueue): string {
  const panel = el.shadowRoot!.querySelector<HTMLElement>('[part=panel]');
  return panel ? panel.innerText.replace(/\s+/g, ' ').trim() : '';
}

export const liveRegion = (el: AntichambreQueue) => el.shadowRoot!.querySelector('[aria-live=polite]')!.textContent!.trim();

/** Whether the slotted content (the login form) is rendered for the pupil. */
export const slotShown = (el: AntichambreQueue) => el.firstElementChild!.checkVisibility();

export async function until<T>(check: () => T | Promise<T>, what: () => string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const untilText = (el: AntichambreQueue, pattern: RegExp, timeoutMs?: number) =>
  until(() => pattern.test(panelText(el)), () => `panel text ${pattern} (last: "${panelText(el)}")`, timeoutMs);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function clearAdmissionCookie(name = 'antichambre_admission'): void {
  document.cookie = `${name}=; Path=/; Max-Age=0`;
}
