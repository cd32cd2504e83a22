/**
 * The probe: GET the operator's `probeUrl` a few times a second, each with a timeout, and record latency,
 * error status and timeouts in a sample window. The one signal nobody outside can forge, and the only one
 * present before the first pupil is in. Clock, timers and fetch are injected, so tests drive it with a
 * fake ENT or a real slow HTTP server alike.
 */
import { SampleWindow, summarize, type SignalSummary } from './samples.js';

export interface ProbeOptions {
  url: string;
  /** 4 a second: 8 answers (the law's minimum) in 2 s, and ≤ 0.1 % of a 4 000-page/s ENT's load. */
  intervalMs?: number;
  /** Past this the answer is a timeout: 2 s, several times any sane target, short enough to count often. */
  timeoutMs?: number;
  windowMs?: number;
  /** Evidence after a change counts from the next slice: 1 s. */
  sliceMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

export class Probe {
  readonly window: SampleWindow;
  private handle: unknown;
  private readonly options: Required<ProbeOptions>;
  private inFlight = 0;

  constructor(options: ProbeOptions) {
    this.options = {
      intervalMs: 250,
      timeoutMs: 2_000,
      windowMs: 10_000,
      sliceMs: 1_000,
      fetch: globalThis.fetch.bind(globalThis),
      now: Date.now,
      setInterval: (callback, ms) => setInterval(callback, ms).unref(),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
      ...options,
    };
    this.window = new SampleWindow(this.options.sliceMs, this.options.windowMs);
  }

  start(): void {
    if (this.handle === undefined) this.handle = this.options.setInterval(() => void this.once(), this.options.intervalMs);
  }

  stop(): void {
    if (this.handle !== undefined) this.options.clearInterval(this.handle);
    this.handle = undefined;
  }

  summary(now = this.options.now(), since?: number): SignalSummary {
    return summarize(this.window.histogram(now, since));
  }

  /** One probe request. Never more than 4 at once: a dead ENT must not collect our sockets. */
  async once(): Promise<void> {
    if (this.inFlight >= 4) {
      this.window.add({ latencyMs: this.options.timeoutMs, error: true, timeout: true }, this.options.now());
      return;
    }
    this.inFlight++;
    const { now, timeoutMs } = this.options;
    const started = now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await this.options.fetch(this.options.url, { signal: abort.signal, redirect: 'manual', cache: 'no-store' });
      await response.arrayBuffer().catch(() => undefined);
      this.window.add({ latencyMs: now() - started, error: response.status >= 500 }, started);
    } catch {
      const timeout = abort.signal.aborted;
      this.window.add({ latencyMs: timeout ? timeoutMs : now() - started, error: true, timeout }, started);
    } finally {
      clearTimeout(timer);
      this.inFlight--;
    }
  }
}
