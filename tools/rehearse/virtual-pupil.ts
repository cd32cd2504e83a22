/**
 * One virtual pupil, made of the widget's own logic over real HTTP: the waiting room (waiting-room.ts:
 * join with a key, poll when the scheduler says, solve a proof of work if asked), then session mode
 * (session-client.ts: heartbeats on the heartbeat plan's schedule, release at the end). Only the fetch is
 * ours: it adds the pupil's X-Forwarded-For and records what each request took and answered.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WaitingRoom } from '../../src/core/wait/waiting-room.js';
import { createQueueClient } from '../../src/core/wait/queue-client.js';
import { createTicketStore, memoryBackend } from '../../src/core/wait/ticket-store.js';
import { createSeededRandom } from '../../src/core/wait/seeded-random.js';
import { planNextHeartbeat } from '../../src/core/session/heartbeat-plan.js';
import { releaseKeepalive, sendHeartbeat, type SessionTicket } from '../../src/core/session/session-client.js';
import type { LocksLike } from '../../src/core/wait/tab-leader.js';
import type { PupilTimeline } from './fifo-inversions.js';
import type { Endpoint, Tally } from './tally.js';

export interface PupilPlan {
  index: number;
  endpoint: string;
  room: string;
  /** Sent as X-Forwarded-For: the pupil's own address, as a school's pupils behind their own NATs. */
  address: string;
  /** Clock time of the pupil's arrival (first join). */
  arriveAt: number;
  sessionMs: number;
  heartbeatMs: number;
  /** After this, a waiting pupil gives up and an admitted one releases its seat. */
  endAt: number;
  seed: number;
}

/** One tab per pupil: there is no other tab to share a join lock with. */
const ONE_TAB: LocksLike = { request: (_name, _options, callback) => callback() };

export async function runPupil(plan: PupilPlan, tally: Tally, stop: AbortSignal): Promise<void> {
  tally.pupils += 1;
  try {
    await sleep(Math.max(0, plan.arriveAt - Date.now()), undefined, { signal: stop });
  } catch {
    return;
  }
  tally.arrived += 1;
  const timeline: PupilTimeline = { room: plan.room, joinSentAt: Date.now() };
  tally.timelines.push(timeline);
  const random = createSeededRandom(plan.seed);
  const credential: { id?: string; ticket?: string } = {};
  const quit = new AbortController();
  const fetchFn = observingFetch(plan, tally, timeline, credential, stop, quit.signal);
  let settle: (phase: 'admitted' | 'over') => void = () => {};
  const settled = new Promise<'admitted' | 'over'>((resolve) => (settle = resolve));
  const room = new WaitingRoom({
    endpoint: plan.endpoint,
    room: plan.room,
    client: createQueueClient({ endpoint: plan.endpoint, room: plan.room, fetch: fetchFn }),
    store: createTicketStore(plan.endpoint, plan.room, { backend: memoryBackend(), warn: () => {} }),
    random,
    locks: ONE_TAB,
    warn: () => {},
    onChange: ({ phase }) => {
      if (phase === 'admitted') settle('admitted');
      else if (phase === 'expired') settle('over');
    },
  });
  const timer = setTimeout(() => settle('over'), Math.max(0, plan.endAt - Date.now()));
  const onStop = () => settle('over');
  stop.addEventListener('abort', onStop, { once: true });
  room.start();
  const phase = await settled;
  clearTimeout(timer);
  stop.removeEventListener('abort', onStop);
  quit.abort();
  room.stop();
  if (phase !== 'admitted' || credential.id === undefined || credential.ticket === undefined) return;
  tally.admitted += 1;

  const session: SessionTicket = { endpoint: plan.endpoint, room: plan.room, id: credential.id, ticket: credential.ticket };
  const sessionEnd = Math.min(plan.endAt, Date.now() + plan.sessionMs);
  const options = { minIntervalMs: plan.heartbeatMs, jitterMs: plan.heartbeatMs / 4 };
  try {
    for (let next = planNextHeartbeat(Date.now(), random, options); next.notBefore < sessionEnd; next = planNextHeartbeat(Date.now(), random, options)) {
      await sleep(next.notBefore - Date.now(), undefined, { signal: stop });
      if ((await sendHeartbeat(session, fetchFn)).outcome === 'gone') {
        tally.sessionsLost += 1;
        return;
      }
    }
    await sleep(Math.max(0, sessionEnd - Date.now()), undefined, { signal: stop });
  } catch {
    // Hard stop: the seat is released below all the same, so the target is left as found.
  }
  if (await releaseKeepalive(session, fetchFn)) tally.released += 1;
}

function endpointOf(url: string, method = 'GET'): Endpoint {
  if (url.endsWith('/heartbeat')) return 'heartbeat';
  if (url.endsWith('/release')) return 'release';
  return method === 'POST' ? 'join' : 'status';
}

/** The pupil's fetch: X-Forwarded-For added; latency, failures and what the answers said recorded. */
function observingFetch(plan: PupilPlan, tally: Tally, timeline: PupilTimeline, credential: { id?: string; ticket?: string }, stop: AbortSignal, quit: AbortSignal): typeof fetch {
  let lost = false;
  return async (input, init = {}) => {
    const url = String(input);
    const endpoint = endpointOf(url, init.method);
    const headers = new Headers(init.headers);
    headers.set('X-Forwarded-For', plan.address);
    // The release outlives a hard stop (it frees a seat); every other request ends with it.
    const signals = [init.signal, endpoint === 'release' ? AbortSignal.timeout(5000) : stop].filter((s): s is AbortSignal => s != null);
    const sentAt = Date.now();
    tally.requests += 1;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, headers, signal: AbortSignal.any(signals) });
      text = await response.text();
    } catch (error) {
      // A poll the pupil itself dropped when the run ended is no failure of the target.
      const dropped = quit.aborted && (endpoint === 'join' || endpoint === 'status');
      if (!dropped) tally.error(endpoint, stop.aborted ? 'stopped' : init.signal?.aborted ? 'timeout' : 'network');
      throw error;
    }
    const at = Date.now();
    tally.latency[endpoint].record(at - sentAt);
    const body = parse(text);
    if (!response.ok) {
      const code = (body as { error?: { code?: string } } | undefined)?.error?.code ?? '';
      // A 429 or 503 must say when to come back: the widget's whole retry plan leans on it.
      const unpaced = (response.status === 429 || response.status === 503) && response.headers.get('retry-after') === null;
      tally.error(endpoint, `${response.status}${code ? ` ${code}` : ''}${unpaced ? ' without Retry-After' : ''}`);
      if (code === 'pow-required') tally.powRequired += 1;
      // A place the server acknowledged, then forgot or expired while the pupil was still waiting.
      const gone = response.status === 404 || response.status === 410;
      if (gone && endpoint === 'status' && timeline.joinAckAt !== undefined && timeline.admittedAt === undefined && !lost) {
        lost = true;
        tally.placesLost += 1;
      }
    } else if (endpoint === 'join' || endpoint === 'status') {
      const status = body as { id?: string; ticket?: string; state?: string } | undefined;
      if (endpoint === 'join' && status?.ticket) {
        timeline.joinAckAt ??= at;
        credential.id = status.id;
        credential.ticket = status.ticket;
      }
      if (status?.state === 'waiting') timeline.lastWaitingSentAt = sentAt;
      if (status?.state === 'admitted') timeline.admittedAt ??= at;
    }
    const answerHeaders = new Headers();
    for (const name of ['content-type', 'retry-after']) {
      const value = response.headers.get(name);
      if (value !== null) answerHeaders.set(name, value);
    }
    const noBody = response.status === 204 || response.status === 304;
    return new Response(noBody ? null : text, { status: response.status, headers: answerHeaders });
  };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
