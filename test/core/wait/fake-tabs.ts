/**
 * Test doubles for several tabs of one browser: Web Locks (exclusive mode, FIFO queue, `signal`, `steal`,
 * locks freed when a tab dies) and a BroadcastChannel hub (delivery to every other member, as a browser does).
 */
import type { LocksLike } from '../../../src/core/wait/tab-leader.js';
import type { BroadcastLike, CreateBroadcast } from '../../../src/core/wait/tab-channel.js';

interface LockRequest {
  tab: number;
  callback: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const abortError = () => new DOMException('The request was aborted.', 'AbortError');

export class FakeLocks {
  private held = new Map<string, LockRequest>();
  private queues = new Map<string, LockRequest[]>();

  /** `navigator.locks` as seen from tab `tab`. */
  forTab(tab: number): LocksLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          const request: LockRequest = { tab, callback, resolve, reject };
          const queue = this.queue(name);
          if (options.steal) {
            const holder = this.held.get(name);
            this.held.delete(name);
            holder?.reject(abortError());
            queue.unshift(request);
          } else {
            options.signal?.addEventListener('abort', () => {
              const at = queue.indexOf(request);
              if (at >= 0) queue.splice(at, 1) && reject(abortError());
            });
            queue.push(request);
          }
          this.grant(name);
        }),
    };
  }

  /** The tab closes or crashes: the browser frees its locks and forgets its requests. */
  closeTab(tab: number): void {
    for (const queue of this.queues.values()) queue.splice(0, queue.length, ...queue.filter((r) => r.tab !== tab));
    for (const [name, holder] of [...this.held]) {
      if (holder.tab !== tab) continue;
      this.held.delete(name);
      this.grant(name);
    }
  }

  holder(name: string): number | undefined {
    return this.held.get(name)?.tab;
  }

  private queue(name: string): LockRequest[] {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = []));
    return queue;
  }

  private grant(name: string): void {
    if (this.held.has(name)) return;
    const request = this.queue(name).shift();
    if (!request) return;
    this.held.set(name, request);
    Promise.resolve()
      .then(() => request.callback())
      .then(request.resolve, request.reject)
      .finally(() => {
        if (this.held.get(name) !== request) return; // stolen or its tab died: already released
        this.held.delete(name);
        this.grant(name);
      });
  }
}

/** BroadcastChannels of one origin: a message reaches every other open channel of the same name. */
export class FakeBroadcastHub {
  private members = new Set<{ name: string; channel: BroadcastLike }>();

  readonly create: CreateBroadcast = (name) => {
    const member = {
      name,
      channel: {
        onmessage: null as BroadcastLike['onmessage'],
        postMessage: (data: unknown) => {
          const copy = structuredClone(data);
          for (const other of this.members) {
            if (other !== member && other.name === name) queueMicrotask(() => other.channel.onmessage?.({ data: copy } as MessageEvent));
          }
        },
        close: () => void this.members.delete(member),
      },
    };
    this.members.add(member);
    return member.channel;
  };
}
