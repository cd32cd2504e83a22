/**
 * One ticket and one poll loop per browser and room, whatever the number of tabs. The tabs elect a leader
 * with Web Locks (tab-leader.ts); only the leader runs the WaitingRoom and it shares every snapshot over
 * a BroadcastChannel (tab-channel.ts); the others show what they hear. When the leader closes, the browser hands
 * its lock to the next tab, which resumes the same stored ticket (no new join) and keeps the next-try
 * time the old leader had (a Retry-After binds every tab). A visible tab takes the lead from a hidden one.
 * Without Web Locks each tab waits on its own, as before (the stored ticket is still shared), silently:
 * the login page has no bytes to spare for a console message about old browsers.
 */
import { WaitingRoom, type WaitingRoomOptions, type WaitingRoomSnapshot } from './waiting-room.js';
import { browserLocks, electLeader, type LeaderElection } from './tab-leader.js';
import { openChannel, tabChannelName, type CreateBroadcast, type TabChannel } from './tab-channel.js';

/**
 * The leader's state with whether its tab is visible; `hello` is a new tab asking for it; `rejoin` is the
 * pupil pressing "rejoindre" in a tab that does not lead. Short shapes: this code is on every login page.
 */
export type WaitMessage = { snapshot: WaitingRoomSnapshot; visible: boolean } | 'hello' | 'rejoin';

// Only same-origin scripts can post here; the shape is checked, the snapshot trusted as IndexedDB's is.
const isWaitMessage = (value: unknown): value is WaitMessage =>
  value === 'hello' || value === 'rejoin' || typeof (value as { snapshot?: { phase?: unknown } } | null)?.snapshot?.phase === 'string';

export interface SharedWaitingRoomOptions extends WaitingRoomOptions {
  channel?: CreateBroadcast;
}

/** What the controller drives: the WaitingRoom's own interface, whichever tab polls. */
export type SharedWaitingRoom = Pick<WaitingRoom, 'snapshot' | 'start' | 'stop' | 'setOnline' | 'setVisible' | 'rejoin' | 'retryNow'>;

// A closure rather than a class: its names minify, and this code is on every login page.
export function createSharedWaitingRoom(options: SharedWaitingRoomOptions): SharedWaitingRoom {
  const { endpoint, room: roomName, locks = browserLocks() } = options;
  const name = tabChannelName(endpoint, roomName);
  let current: WaitingRoomSnapshot = { phase: 'joining', failures: 0 };
  let election: LeaderElection | undefined;
  let channel: TabChannel<WaitMessage> | undefined;
  let leading = false;
  let leaderVisible = true;
  let visible = options.visible ?? true;

  const show = (snapshot: WaitingRoomSnapshot) => options.onChange?.((current = snapshot));
  const share = () => channel?.post({ snapshot: current, visible });
  const claimIfBetter = () => visible && !leaderVisible && election?.claim();
  const room = new WaitingRoom({ ...options, onChange: (snapshot) => (show(snapshot), share()) });

  const hear = (message: WaitMessage): void => {
    if (typeof message === 'string') {
      if (leading) void (message === 'hello' ? share() : room.rejoin());
    } else if (election && !leading) {
      leaderVisible = message.visible;
      show(message.snapshot);
      claimIfBetter();
    }
  };

  const stop = () => {
    election?.close();
    channel?.close();
    election = channel = undefined;
    leading = false;
    room.stop();
  };

  return {
    get snapshot() {
      return current;
    },
    start() {
      stop();
      channel = openChannel(`${name}#wait`, isWaitMessage, hear, options.channel);
      // Without Web Locks (Safari < 15.4) each tab polls, still with the one stored ticket.
      if (!locks) return room.start();
      election = electLeader(locks, `antichambre:lead:${name}`, (lead) => {
        leading = lead;
        // An expired ticket waits for the pupil's "rejoindre": a new leader must not join on its own.
        if (!lead) room.stop();
        else if (current.phase !== 'expired') room.start(current.ticketId ? current : undefined);
      });
      channel.post('hello');
    },
    stop,
    setOnline: (online) => room.setOnline(online),
    // Only the leader asks the server; in another tab the button waits for the leader's next try.
    retryNow: () => room.retryNow(),
    setVisible(value) {
      room.setVisible((visible = value));
      if (leading) share();
      else claimIfBetter();
    },
    async rejoin() {
      if (leading || !election) await room.rejoin();
      else channel?.post('rejoin');
    },
  };
}
