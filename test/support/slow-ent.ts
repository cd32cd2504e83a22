/**
 * A small, really slow ENT for the autopilot's end-to-end test: a fixed pool of workers with a FIFO queue
 * in front, each request holding a worker for its service time (a login costs more than a page). Below the
 * pool's throughput a page takes its service time; past it, requests wait in line and every page slows by
 * the same wait, as an application server with a fixed thread pool does. `setWorkers` loses (or gives back)
 * workers at runtime: a node of the ENT lost at 8:05.
 *
 * Routes: `POST /login` (loginMs), `GET /probe` (a page that touches the session store: pageMs, what the
 * autopilot's probe should name), any other GET a page (pageMs).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowEntOptions {
  workers: number;
  pageMs: number;
  loginMs: number;
}

export interface SlowEnt {
  port: number;
  origin: string;
  /** The URL to give the autopilot's probe. */
  probeUrl: string;
  workers(): number;
  setWorkers(workers: number): void;
  /** Queue waits (ms) of the requests that started service since the last call, and forgets them. */
  takeWaits(): number[];
  close(): Promise<void>;
}

/** A FIFO pool: `acquire` resolves when a worker is free; the longest-waiting request gets the next one. */
export class WorkerPool {
  private busy = 0;
  private readonly line: Array<() => void> = [];

  constructor(private size: number) {}

  get workers(): number {
    return this.size;
  }

  acquire(): Promise<void> {
    if (this.busy < this.size) {
      this.busy++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.line.push(resolve));
  }

  release(): void {
    // A shrunk pool hands nothing over until enough running requests have finished.
    const next = this.busy <= this.size ? this.line.shift() : undefined;
    if (next) next();
    else this.busy--;
  }

  resize(size: number): void {
    this.size = size;
    while (this.busy < this.size && this.line.length > 0) {
      this.busy++;
      this.line.shift()!();
    }
  }
}

export async function startSlowEnt({ workers, pageMs, loginMs }: SlowEntOptions): Promise<SlowEnt> {
  const pool = new WorkerPool(workers);
  let waits: number[] = [];

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    for await (const _ of req); // the login form
    const login = req.method === 'POST' && req.url === '/login';
    const queued = performance.now();
    await pool.acquire();
    waits.push(performance.now() - queued);
    await new Promise((resolve) => setTimeout(resolve, login ? loginMs : pageMs));
    pool.release();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(login ? '<h1>Bienvenue</h1>' : `<h1>ENT ${req.url}</h1>`);
  };

  const server = createServer((req, res) => void serve(req, res));
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    port,
    origin,
    probeUrl: `${origin}/probe`,
    workers: () => pool.workers,
    setWorkers: (size) => pool.resize(size),
    takeWaits: () => {
      const taken = waits;
      waits = [];
      return taken;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
