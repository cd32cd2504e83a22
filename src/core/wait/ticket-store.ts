/**
 * The persisted ticket, one per endpoint + room, so that a reload, a reopened tab or a crashed browser
 * resumes the same place in line. IndexedDB through idb-keyval; memory where IndexedDB is missing or fails.
 */
import { createStore, get, update, type UseStore } from 'idb-keyval';
import type { Admission } from '../protocol/protocol.js';
import { isAdmission, isObject, isOptional as optional, isText, JOIN_KEY } from '../protocol/protocol-guards.js';
import { endpointBase } from '../protocol/queue-endpoint.js';

export interface StoredTicket {
  /** Idempotency key of the join; exists before the first join try. */
  key: string;
  id?: string;
  /** The server-signed credential. */
  ticket?: string;
  /** Position at the first answer, so progress survives a reload. */
  joinPosition?: number;
  admission?: Admission;
  /**
   * The last status the server gave (at updatedAt): a reload shows it at once, as the last known position.
   * Checked where it is read (waiting-room.ts), not here: a status another version wrote must not cost the
   * pupil the ticket itself.
   */
  last?: unknown;
  /** When the widget first navigated to return-url with this ticket's admission: it never does so twice. */
  followedAt?: number;
  updatedAt: number;
}

/** What IndexedDB gives back is checked: another version of the widget, or a curious pupil, may have written it. */
function isStoredTicket(value: unknown): value is StoredTicket {
  if (!isObject(value)) return false;
  const { key, id, ticket, joinPosition, admission, followedAt, updatedAt } = value;
  return isText(key, JOIN_KEY) && optional(id, 'string') && optional(ticket, 'string') && optional(joinPosition, 'number') &&
    (admission === undefined || isAdmission(admission)) && optional(followedAt, 'number') && typeof updatedAt === 'number';
}

/** The two idb-keyval operations we need; a Map-backed twin serves as fallback and test double. */
export interface KeyValueBackend {
  get(key: string): Promise<unknown>;
  update(key: string, updater: (old: unknown) => unknown): Promise<void>;
}

export function indexedDbBackend(): KeyValueBackend {
  let store: UseStore | undefined;
  // createStore opens the database at once and throws where indexedDB is missing: do it on first use.
  const use = () => (store ??= createStore('antichambre', 'tickets'));
  return { get: (key) => get(key, use()), update: (key, updater) => update(key, updater, use()) };
}

export function memoryBackend(map = new Map<string, unknown>()): KeyValueBackend {
  return {
    get: async (key) => map.get(key),
    update: async (key, updater) => void map.set(key, updater(map.get(key))),
  };
}

/** Where tickets go when IndexedDB fails; `warned` makes the console message appear once per page. */
export interface MemoryFallback {
  backend: KeyValueBackend;
  warned?: boolean;
}

// Shared by every store of the page, so two elements for one room still agree without IndexedDB.
const pageFallback: MemoryFallback = { backend: memoryBackend() };

export interface TicketStore {
  read(): Promise<StoredTicket | undefined>;
  /** The stored ticket, or a new one holding only a fresh key (stored before it is returned). */
  ensure(makeKey: () => string): Promise<StoredTicket>;
  /** Merges into the ticket of `key`; a ticket stored under another key (another tab rejoined) wins. */
  save(key: string, patch: Partial<Omit<StoredTicket, 'key' | 'updatedAt'>>): Promise<void>;
  /** Forgets the ticket of `key`, only on the server's word that it is over. */
  clear(key: string): Promise<void>;
  /**
   * Claims the one navigation of ticket `id`'s admission, atomically across tabs: undefined when this call
   * claimed it (go), else when it was claimed before (a bounce or a return: do not go again).
   */
  follow(id: string): Promise<number | undefined>;
}

export interface TicketStoreOptions {
  backend?: KeyValueBackend;
  now?: () => number;
  warn?: (message: string) => void;
  fallback?: MemoryFallback;
}

export function createTicketStore(
  endpoint: string,
  room: string,
  { backend = indexedDbBackend(), now = Date.now, warn = console.warn, fallback = pageFallback }: TicketStoreOptions = {},
): TicketStore {
  const id = `${endpointBase(endpoint)}|${room}`;
  let active = backend;

  async function withFallback<T>(op: (b: KeyValueBackend) => Promise<T>): Promise<T> {
    if (active !== fallback.backend) {
      try {
        return await op(active);
      } catch (error) {
        active = fallback.backend;
        if (!fallback.warned) {
          fallback.warned = true;
          warn(`antichambre: no IndexedDB (${error}): a reload rejoins`);
        }
      }
    }
    return op(fallback.backend);
  }

  const valid = (value: unknown) => (isStoredTicket(value) ? value : undefined);

  /** Atomic read-modify-write; returns what was written. */
  async function change(fn: (old: StoredTicket | undefined) => StoredTicket | undefined) {
    let written: StoredTicket | undefined;
    await withFallback((b) => b.update(id, (old) => (written = fn(valid(old)))));
    return written;
  }

  return {
    read: () => withFallback((b) => b.get(id)).then(valid),
    ensure: async (makeKey) => (await change((old) => old ?? { key: makeKey(), updatedAt: now() }))!,
    save: async (key, patch) => {
      await change((old) => (old && old.key !== key ? old : { ...old, ...patch, key, updatedAt: now() }));
    },
    clear: async (key) => {
      await change((old) => (old?.key === key ? undefined : old));
    },
    follow: async (id) => {
      let before: number | undefined;
      await change((old) => (old?.id === id ? { ...old, followedAt: (before = old.followedAt) ?? now() } : old));
      return before;
    },
  };
}
