/**
 * What the page and the antichambre worker say to each other: one discriminated union each way, a request
 * answered on the MessageChannel port it came with (as workbox-window's `messageSW` does), and a timeout,
 * because a worker that does not answer would otherwise leave the page waiting forever.
 */

/** Page → worker. */
export type PageMessage = { type: 'antichambre:status' };

/** Worker → page, the answer to a PageMessage of the same type. */
export type WorkerMessage = {
  type: 'antichambre:status';
  /** The worker build (its precache revisions), to tell an updated worker from the old one. */
  version: string;
  /** Pages whose navigations fall back to the waiting page; the waiting page (null: no fallback). */
  pages: string[];
  waitingPage: string | null;
};

export const isPageMessage = (data: unknown): data is PageMessage => (data as PageMessage | null)?.type === 'antichambre:status';

export const isWorkerMessage = (data: unknown): data is WorkerMessage =>
  (data as WorkerMessage | null)?.type === 'antichambre:status' && typeof (data as WorkerMessage).version === 'string';

/** The one thing `askWorker` needs of a ServiceWorker: injected so that tests use a fake. */
export interface MessageTarget {
  postMessage(message: unknown, transfer: Transferable[]): void;
}

/** Sends `message` with a reply port; resolves with the worker's answer, or undefined after `timeoutMs`. */
export function askWorker(worker: MessageTarget, message: PageMessage, timeoutMs = 3_000): Promise<WorkerMessage | undefined> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    const done = (answer: WorkerMessage | undefined) => {
      clearTimeout(timer);
      port1.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    port1.onmessage = (event) => done(isWorkerMessage(event.data) ? event.data : undefined);
    worker.postMessage(message, [port2]);
  });
}
