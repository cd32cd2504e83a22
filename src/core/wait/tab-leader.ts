/**
 * Leader election between the tabs of one browser with Web Locks: the tab that holds the lock leads (it
 * alone runs the poll loop), the others wait in the lock's queue. The browser frees a lock when its tab
 * closes or crashes, so the next tab in line takes over without any timeout of ours.
 * `claim()` steals the lock (a visible tab taking over from a hidden leader, whose timers Chrome throttles).
 */

/** The part of `navigator.locks` we use; injected so that Node tests run with a fake. */
export interface LocksLike {
  request(name: string, options: { signal?: AbortSignal; steal?: boolean }, callback: () => Promise<unknown>): Promise<unknown>;
}

export const browserLocks = (): LocksLike | undefined => globalThis.navigator?.locks as LocksLike | undefined;

export interface LeaderElection {
  /** Take the lead now, even from a living leader (which falls back in line). */
  claim(): void;
  /** Leave the election (and the lead). `onChange` is not called after this. */
  close(): void;
}

export function electLeader(locks: LocksLike, name: string, onChange: (leading: boolean) => void): LeaderElection {
  let closed = false;
  let release: (() => void) | undefined;
  let waiting: AbortController | undefined;

  function enqueue(steal: boolean): void {
    waiting?.abort();
    const controller = (waiting = new AbortController());
    let held = false;
    locks
      .request(name, steal ? { steal } : { signal: controller.signal }, () => {
        held = true;
        if (closed) return Promise.resolve();
        onChange(true);
        return new Promise<void>((resolve) => (release = resolve));
      })
      .catch(() => {}) // aborted while waiting, or stolen while leading
      .then(() => {
        if (!held || closed) return;
        release = undefined;
        onChange(false);
        enqueue(false);
      });
  }

  enqueue(false);
  return {
    claim: () => void (!release && !closed && enqueue(true)),
    close: () => {
      closed = true;
      waiting?.abort();
      release?.();
    },
  };
}
