/**
 * The proof-of-work solver's Web Worker, built to dist/antichambre-pow-worker.js (scripts/build.mjs).
 * pow-solver.ts starts it when the widget is on the page's own origin, the case of every ENT with a strict
 * CSP (`script-src 'self'`), whose `worker-src 'self'` allows it where a `blob:` worker would be refused.
 */
import { searchPow } from './pow-search.js';

const scope = self as unknown as { onmessage: (event: MessageEvent<[string, string, number, number]>) => void; postMessage(found: number): void };
scope.onmessage = (event) => scope.postMessage(searchPow(...event.data));
