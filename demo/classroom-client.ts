/**
 * The teachers' page's calls to its demo server (`/demo/api`, demo/server/demo-api.ts): open a classroom,
 * read its counters, change its settings, add pupils, take its server down, slow its ENT down, close it. `fetch` is injected.
 */
import type { ClassroomCounters, ClassroomSettings } from './server/demo-classroom.js';

export type { ClassroomCounters, ClassroomSettings };

/** A refusal or failure of the demo server, with the API's error code (`room-not-found`, `bad-request`…). */
export class DemoApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From `Retry-After` (503 "démo complète", 429): when asking again makes sense. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DemoApiError';
  }
}

export interface ClassroomApi {
  open(): Promise<ClassroomCounters>;
  /** `id` is the classroom's (`counters.id`), not its room. */
  counters(id: string): Promise<ClassroomCounters>;
  configure(id: string, patch: Partial<ClassroomSettings>): Promise<ClassroomCounters>;
  addPupils(id: string, count: number): Promise<ClassroomCounters & { added: number }>;
  outage(id: string): Promise<ClassroomCounters>;
  /** « L'ENT ralentit »: the classroom's modelled ENT serves half as much for a while. */
  slowDown(id: string): Promise<ClassroomCounters>;
  close(id: string): Promise<void>;
}

export function classroomApi(base = '/demo/api', fetchFn: typeof fetch = (...args) => fetch(...args)): ClassroomApi {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    // The server takes a POST only as JSON (so that no other site's page can send one without a preflight).
    const json = body ?? (method === 'POST' ? {} : undefined);
    try {
      res = await fetchFn(base + path, {
        method,
        headers: json === undefined ? {} : { 'content-type': 'application/json' },
        body: json === undefined ? undefined : JSON.stringify(json),
        cache: 'no-store',
      });
    } catch {
      throw new DemoApiError(0, 'network', 'Le serveur de démonstration ne répond pas.');
    }
    if (res.status === 204) return undefined as T;
    const data: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const error = (data as { error?: { code?: string; message?: string } } | null)?.error;
      const retryAfter = Number(res.headers.get('retry-after') ?? Number.NaN);
      throw new DemoApiError(res.status, error?.code ?? 'internal', error?.message ?? `HTTP ${res.status}`, retryAfter > 0 ? retryAfter : undefined);
    }
    return data as T;
  }
  const at = (id: string) => `/classes/${encodeURIComponent(id)}`;
  return {
    open: () => call('POST', '/classes'),
    counters: (id) => call('GET', at(id)),
    configure: (id, patch) => call('PUT', at(id), patch),
    addPupils: (id, count) => call('POST', `${at(id)}/pupils`, { count }),
    outage: (id) => call('POST', `${at(id)}/outage`),
    slowDown: (id) => call('POST', `${at(id)}/slowdown`),
    close: (id) => call('DELETE', at(id)),
  };
}
