/** What Prometheus scrapes: room gauges and counters from the store, request counts and latency by route pattern. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOM, harness, newKey } from '../../support/harness.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

test('/metrics exposes waiting, active, admissions, expirations and requests by route pattern', async () => {
  // A named room (--gate-rooms, --rooms or the admin API) gets its own series; see metrics-cost.test.ts for the others.
  const h = harness({ capacity: 1, waitingTtlSeconds: 60, sessionTtlSeconds: 3600, gateRooms: [ROOM], metricsToken: METRICS_TOKEN });
  const pupils = [];
  for (let i = 0; i < 4; i++) pupils.push((await h.join(newKey())).body);
  await h.statusOk(pupils[1]!.id, pupils[1]!.ticket!);
  await h.request('/rooms/Bad-Room');
  await h.app.request('/no/such/path/abc123');
  h.tick(60_000);
  await h.join(newKey()); // expires the three who waited without a sign of life

  const res = await h.app.request('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  const value = (series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };
  assert.equal(value(`antichambre_room_waiting{room="${ROOM}"}`), 1);
  assert.equal(value(`antichambre_room_active{room="${ROOM}"}`), 1);
  assert.equal(value(`antichambre_room_capacity{room="${ROOM}"}`), 1);
  assert.equal(value(`antichambre_room_open{room="${ROOM}"}`), 1);
  assert.equal(value(`antichambre_admissions_total{room="${ROOM}"}`), 1);
  assert.equal(value(`antichambre_expirations_total{room="${ROOM}",state="waiting"}`), 3);
  assert.equal(value(`antichambre_expirations_total{room="${ROOM}",state="admitted"}`), 0);
  assert.match(text, /# TYPE antichambre_admissions_total counter/);
  assert.match(text, /# TYPE antichambre_room_waiting gauge/);

  assert.equal(value('antichambre_http_requests_total{method="POST",route="/api/v1/rooms/:room/tickets",status="201"}'), 5);
  assert.equal(value('antichambre_http_requests_total{method="GET",route="/api/v1/rooms/:room/tickets/:id",status="200"}'), 1);
  assert.equal(value('antichambre_http_requests_total{method="GET",route="/api/v1/rooms/:room",status="400"}'), 1);
  assert.equal(value('antichambre_http_requests_total{method="GET",route="unmatched",status="404"}'), 1);
  assert.equal(value('antichambre_http_request_duration_seconds_count{method="POST",route="/api/v1/rooms/:room/tickets"}'), 5);
  assert.match(text, /antichambre_http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/api\/v1\/rooms\/:room\/tickets"\}/);
  assert.doesNotMatch(text, /abc123|Bad-Room/, 'raw paths never become labels');
  assert.doesNotMatch(text, new RegExp(pupils[1]!.id), 'ticket ids never become labels');
});

test('/healthz answers ok while the store answers, 503 while draining', async () => {
  let draining = false;
  const h = harness({ isDraining: () => draining });
  const ok = await h.app.request('/healthz');
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { status: 'ok' });
  draining = true;
  const drain = await h.app.request('/healthz');
  assert.equal(drain.status, 503);
  assert.equal(((await drain.json()) as { error: { code: string } }).error.code, 'unavailable');
});
