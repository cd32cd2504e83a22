/**
 * Admin routes of a room's proof-of-work defence, mounted on the admin API (its Bearer check applies):
 * `GET /admin/rooms/{room}/defence` and `PUT /admin/rooms/{room}/defence` with `{"mode": "on"}` for
 * "under attack", `"off"`, or `"auto"` (the default: only while the room looks flooded).
 */
import { Hono } from 'hono';
import * as v from 'valibot';
import { DEFENCE_MODES, powRequired, type DefenceState, type RoomDefence } from './defence-state.js';
import { bodyText, parseJson, roomParam } from '../http/requests.js';

const DefenceBodySchema = v.strictObject({
  mode: v.picklist(DEFENCE_MODES, 'mode must be "on" (under attack: every join pays a proof of work), "off" or "auto"'),
});

/** What the operator sees: the mode, whether joins pay now, and until when the flood rule raised the room. */
export interface DefenceView {
  room: string;
  mode: RoomDefence['mode'];
  powRequired: boolean;
  raisedUntil: string | null;
}

export function createDefenceAdmin({ defence, now }: { defence: DefenceState; now: () => number }): Hono {
  const routes = new Hono();
  const view = async (room: string): Promise<DefenceView> => {
    const at = now();
    const state = await defence.read(room, at);
    return { room, mode: state.mode, powRequired: powRequired(state, at), raisedUntil: state.raisedUntil > at ? new Date(state.raisedUntil).toISOString() : null };
  };

  routes.get('/rooms/:room/defence', async (c) => c.json(await view(roomParam(c))));
  routes.put('/rooms/:room/defence', async (c) => {
    const room = roomParam(c);
    const { mode } = parseJson(await bodyText(c), DefenceBodySchema);
    await defence.setMode(room, mode);
    return c.json(await view(room));
  });
  return routes;
}
