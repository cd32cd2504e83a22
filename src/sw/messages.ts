/**
 * What the page and the antichambre worker say to each other: one discriminated union each way, a request
 * answered on the MessageChannel port it came with (as workbox-window's `messageSW` does), and a timeout,
 * because a worker that does not answer would otherwise leave the page waiting forever.
 */
import { isObject } from '../core/protocol/protocol-guards.js';

/**
 * Page → worker. `status`: which build and configuration is running. `queue`: the queue API the page's
 * element uses (its `endpoint`, absolute), so the worker coalesces and holds that API's status requests.
 */
export type PageMessage = { type: 'antichambre:status' } | { type: 'antichambre:queue'; endpoint: string };

/** Worker → page, the answer to a PageMessage of the same type. */
export type WorkerMessage =
  | {
      type: 'antichambre:status';
      /** The worker build (its precache revisions), to tell an updated worker from the old one. */
      version: string;
      /** Pages whose navigations fall back to the waiting page; the waiting page (null: no fallback). */
      pages: string[];
      waitingPage: string | null;
      /** Queue APIs whose status requests it coalesces (configured or told by a page). */
      queue: string[];
    }
  | {
      type: 'antichambre:queue';
      /** Every queue API the worker now coalesces (the page's included, unless it was refused). */
      endpoints: string[];
    };

type Answer<T extends PageMessage['type']> = Extract<WorkerMessage, { type: T }>;

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

export const isPageMessage = (data: unknown): data is PageMessage =>
  isObject(data) && (data.type === 'antichambre:status' || (data.type === 'antichambre:queue' && typeof data.endpoint === 'string'));

export const isWorkerMessage = (data: unknown): data is WorkerMessage =>
  isObject(data) &&
  ((data.type === 'antichambre:status' && typeof data.version === 'string') || (data.type === 'antichambre:queue' && isStrings(data.endpoints)));

/** The one thing `askWorker` needs of a ServiceWorker: injected so that tests use a fake. */
export interface MessageTarget {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/**
 * Sends `message` with a reply port; resolves with the worker's answer of the same type, or undefined
 * after `timeoutMs` (or when the answer has another shape).
 */
export function askWorker<M extends PageMessage>(worker: MessageTarget, message: M, timeoutMs = 3_000): Promise<Answer<M['type']> | undefined> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const done = (answer: Answer<M['type']> | undefined) => {
      clearTimeout(timer);
      port1.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    port1.onmessage = (event) => done(isWorkerMessage(event.data) && event.data.type === message.type ? (event.data as Answer<M['type']>) : undefined);
    worker.postMessage(message, [port2]);
  });
}
