/**
 * Servers for the browser tests, started with @web/test-runner:
 * - the REAL queue server (src/server/http/serve.ts) on a free port, for the pupil's main journey;
 * - a FAULT server under `/fault/<scenario>/…` on the test page's own origin, answering whatever a test
 *   scripted (malformed JSON, 503 + Retry-After, 410, a hung-up socket…), and logging what it was asked.
 * Tests talk to both through server commands (`executeServerCommand`), so no CORS is needed for setup.
 */
import type { TestRunnerPlugin } from '@web/test-runner';
import type { Context, Next } from 'koa';

/** One scripted answer. `body` objects are sent as JSON, strings as they are. */
export interface FaultReply {
  /** Pass the request on to the REAL queue server and relay its answer (the other fields are ignored). */
  forward?: boolean;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Destroy the socket instead of answering: the page sees a network error. */
  hangUp?: boolean;
}

type Route = 'join' | 'status' | 'release';
export type FaultScript = Partial<Record<Route, FaultReply[]>>;
export interface FaultRequest {
  route: Route;
  /** When the fault server received it (the server's clock, in ms). */
  at: number;
  method: string;
  key?: string;
  /** The join body's `pass`, if it had one. */
  pass?: string;
  authorization?: string;
}

interface RealServer {
  apiUrl: string;
  adminToken: string;
  close(): Promise<void>;
}

export interface TestServersState {
  real: { apiUrl: string; adminToken: string } | null;
  /** A second real server whose admissions live 4 s (sessions 6 s): session mode's renewal in real time. */
  shortLived?: { apiUrl: string } | null;
}

const scripts = new Map<string, FaultScript>();
/** The real server's API URL once started, for replies that `forward`. */
let upstream: string | null = null;
const logs = new Map<string, FaultRequest[]>();

const ROUTE = /^\/fault\/([\w-]+)\/rooms\/[^/]+\/tickets(?:\/([^/]+)(\/release)?)?$/;

async function readBody(ctx: Context): Promise<string> {
  let text = '';
  for await (const chunk of ctx.req) text += chunk;
  return text;
}

export async function faultMiddleware(ctx: Context, next: Next): Promise<void> {
  const match = ROUTE.exec(ctx.path);
  if (!match) return next();
  const [, scenario, id, release] = match;
  const route: Route = release ? 'release' : id ? 'status' : 'join';
  const body = ctx.method === 'POST' ? await readBody(ctx) : '';
  let join: { key?: string; pass?: string } = {};
  try {
    if (route === 'join') join = JSON.parse(body) as typeof join;
  } catch {
    join = {};
  }
  const { key, pass } = join;
  (logs.get(scenario) ?? logs.set(scenario, []).get(scenario)!).push({ route, at: Date.now(), method: ctx.method, key, pass, authorization: ctx.get('authorization') || undefined });

  const queue = scripts.get(scenario)?.[route];
  // The last scripted answer repeats, so "always 503" is a one-element script.
  const reply: FaultReply = queue && queue.length > 0 ? (queue.length > 1 ? queue.shift()! : queue[0]) : { status: 404, body: { error: { code: 'not-found', message: 'unscripted' } } };
  if (reply.forward && upstream) return forward(ctx, `${upstream}${ctx.path.slice(`/fault/${scenario}`.length)}`, body);
  if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  if (reply.hangUp) {
    // The test runner lists these as "404 network requests": Koa's default status, never sent.
    ctx.req.socket.destroy();
    ctx.respond = false;
    return;
  }
  ctx.status = reply.status!;
  ctx.set('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(reply.headers ?? {})) ctx.set(name, value);
  if (reply.body !== undefined) {
    ctx.type = 'application/json';
    ctx.body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  }
}

/** The fault server as a proxy in front of the real one: the page sees one origin, the real answers. */
async function forward(ctx: Context, url: string, body: string): Promise<void> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'accept']) if (ctx.get(name)) headers[name] = ctx.get(name);
  const response = await fetch(url, { method: ctx.method, headers, body: ctx.method === 'POST' ? body : undefined });
  ctx.status = response.status;
  ctx.set('Cache-Control', 'no-store');
  for (const name of ['content-type', 'retry-after']) if (response.headers.has(name)) ctx.set(name, response.headers.get(name)!);
  ctx.body = await response.text();
}

export function testServersPlugin(state: TestServersState): TestRunnerPlugin {
  let real: RealServer | null = null;
  let shortLived: RealServer | null = null;
  return {
    name: 'antichambre-test-servers',
    async serverStart() {
      try {
        const { startServer } = await import('../../../src/server/http/serve.js');
        real = await startServer({ port: 0, capacity: 0, admitPerMinute: 600, joinLimitPerMinute: 0 });
        state.real = { apiUrl: real.apiUrl, adminToken: real.adminToken };
        upstream = real.apiUrl;
        shortLived = await startServer({ port: 0, admissionTtlSeconds: 4, sessionTtlSeconds: 6, joinLimitPerMinute: 0 });
        state.shortLived = { apiUrl: shortLived.apiUrl };
      } catch (error) {
        // The real-server tests skip themselves; the fault-server tests still run.
        console.warn(`antichambre tests: real queue server unavailable (${String(error)})`);
      }
    },
    async serverStop() {
      await real?.close();
      await shortLived?.close();
    },
    async executeCommand({ command, payload }) {
      const args = payload as Record<string, unknown>;
      if (command === 'fault-script') {
        scripts.set(String(args.scenario), structuredClone(args.script as FaultScript));
        logs.set(String(args.scenario), []);
        return true;
      }
      if (command === 'fault-log') return logs.get(String(args.scenario)) ?? [];
      if (command === 'admin-room' && real) {
        const { room, ...config } = args;
        const response = await fetch(`${real.apiUrl}/admin/rooms/${String(room)}`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${real.adminToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(config),
        });
        return response.status;
      }
      // Proof of work: a room's defence mode ("on" = under attack), docs/protocol.md.
      if (command === 'admin-defence' && real) {
        const response = await fetch(`${real.apiUrl}/admin/rooms/${String(args.room)}/defence`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${real.adminToken}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ mode: args.mode }),
        });
        return response.status;
      }
      if (command === 'room-status' && real) {
        return (await fetch(`${real.apiUrl}/rooms/${String(args.room)}`)).json();
      }
      return undefined;
    },
  };
}
