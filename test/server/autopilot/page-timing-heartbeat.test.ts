import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, newKey, ROOM } from '../../support/harness.js';
import { PupilSamples } from '../../../src/server/autopilot/samples.js';

function withPupilSamples() {
  const pupils = new PupilSamples();
  const reports: string[] = [];
  const h = harness({
    pageTimings: (room, id, timing, now) => {
      reports.push(`${room}/${id}`);
      pupils.report(`${room}/${id}`, { latencyMs: timing.serverMs, error: (timing.status ?? 200) >= 500, firstPage: timing.firstPage }, now);
    },
  });
  return { h, pupils, reports };
}
const heartbeat = (h: ReturnType<typeof harness>, id: string, ticket: string, body: unknown) =>
  h.request(`/rooms/${ROOM}/tickets/${id}/heartbeat`, { method: 'POST', headers: { authorization: `Bearer ${ticket}` }, body: JSON.stringify(body) });

test("an admitted session's heartbeat carries its page's server time to the autopilot's samples", async () => {
  const { h, pupils, reports } = withPupilSamples();
  await h.configure(ROOM, { capacity: 1, admitPerMinute: 60 });
  const { body: admitted } = await h.join(newKey());
  assert.equal(admitted.state, 'admitted');
  const res = await heartbeat(h, admitted.id, admitted.ticket!, { timing: { serverMs: 420, status: 200, firstPage: true } });
  assert.equal(res.status, 200);
  assert.deepEqual(reports, [`${ROOM}/${admitted.id}`]);
  assert.equal(pupils.summary(h.clock.now + 1).samples, 2);
});

test('a waiting ticket, a forged credential or a malformed timing is not heard, and the heartbeat still answers', async () => {
  const { h, reports } = withPupilSamples();
  await h.configure(ROOM, { capacity: 1, admitPerMinute: 60 });
  const { body: first } = await h.join(newKey());
  const { body: waiting } = await h.join(newKey());
  assert.equal(waiting.state, 'waiting');
  assert.equal((await heartbeat(h, waiting.id, waiting.ticket!, { timing: { serverMs: 60_000 } })).status, 200);
  assert.equal((await heartbeat(h, first.id, waiting.ticket!, { timing: { serverMs: 60_000 } })).status, 401);
  assert.equal((await heartbeat(h, first.id, first.ticket!, { timing: { serverMs: -5 } })).status, 200);
  assert.equal((await heartbeat(h, first.id, first.ticket!, 'not json')).status, 200);
  assert.deepEqual(reports, []);
});
