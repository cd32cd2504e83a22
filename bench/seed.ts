/** Fills a room with waiting pupils over HTTP before a status benchmark, and makes join requests. */
import type { Request } from 'autocannon';

export interface SeededPupil {
  id: string;
  ticket: string;
}

export const BENCH_ROOM = 'bench-room';

let keys = 0;
export const joinRequest = (room = BENCH_ROOM): Request => ({
  method: 'POST',
  path: `/api/v1/rooms/${room}/tickets`,
  // A pupil of its own: one address per join, so the flood rule sees a crowd rather than one client (target.ts).
  headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${(++keys >> 16) & 255}.${(keys >> 8) & 255}.${keys & 255}` },
  body: JSON.stringify({ key: `bench-${process.pid}-${String(keys).padStart(12, '0')}` }),
});

export async function seedPupils(origin: string, room: string, count: number): Promise<SeededPupil[]> {
  const pupils: SeededPupil[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, async () => {
      const { method, path, headers, body } = joinRequest(room);
      const res = await fetch(origin + path, { method, headers: headers as Record<string, string>, body: body as string });
      if (res.status !== 201) throw new Error(`seeding ${room}: join answered ${res.status}`);
      const status = (await res.json()) as { id: string; ticket: string };
      return { id: status.id, ticket: status.ticket };
    });
    pupils.push(...(await Promise.all(batch)));
  }
  return pupils;
}

/** Status requests cycling through the seeded pupils, as their polls would. */
export function statusRequests(room: string, pupils: readonly SeededPupil[]): () => Request {
  let next = 0;
  return () => {
    const pupil = pupils[next++ % pupils.length]!;
    return { method: 'GET', path: `/api/v1/rooms/${room}/tickets/${pupil.id}`, headers: { authorization: `Bearer ${pupil.ticket}` } };
  };
}
