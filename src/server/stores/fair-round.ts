/**
 * Fair admission: the one ordering rule of the line, shared by both stores (memory-room.ts via
 * fair-line.ts, lua/join.lua) and the flood benchmark's model (src/sim/flood-admission.ts).
 *
 * Every join carries a client key (an IPv4 address or IPv6 /64, http/client-address.ts, the bucket the join
 * limiter counts). The line is ordered by (round, seq): seq is join order; a ticket's round is the round
 * of the last admission (the head round, which only grows while anyone waits), or one past its client's
 * last waiting ticket if that is later. So a pupil alone at an address joins the head round at the back: pupils alone at
 * their address stay first come, first served among themselves (every surge morning). A client's k-th
 * waiting ticket lands k rounds back, behind every pupil who arrives meanwhile: an attacker with A
 * addresses holds at most A places per round, however many joins it sends (`npm run bench:flood`: 363 %
 * of the pupils' places held ahead of them in plain join order, see docs/defences.md).
 * Fairness is keyed per IPv4 address and IPv6 /64: a host with a /48 holds up to 65,536 keys (the join limit
 * has the same bucket).
 * The price: pupils sharing one address (a school's NAT) are interleaved with the others, one per round.
 */

/** What a client (address bucket) has in line: the round of its last waiting ticket, and how many wait. */
export interface ClientTurns {
  lastRound: number;
  waiting: number;
}

/** The round of a new ticket: the head round, or one past the client's last waiting ticket. */
export function fairRound(headRound: number, client: ClientTurns | undefined): number {
  return client === undefined ? headRound : Math.max(headRound, client.lastRound + 1);
}

/** A place in the fair line. */
export interface Turn {
  round: number;
  seq: number;
}

/** Line order: by round, then join order. */
export function compareTurns(a: Turn, b: Turn): number {
  return a.round - b.round || a.seq - b.seq;
}
