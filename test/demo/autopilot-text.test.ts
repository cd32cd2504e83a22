/**
 * The autopilot morning's sentence on the teachers' page (demo/surge/autopilot-text.ts) is read from the
 * data: how fast the seats followed the hidden capacity, how long the ENT was over its target.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autopilotFigures, autopilotSummary } from '../../demo/surge/autopilot-text.js';
import { replayAutopilotMorning, type AutopilotReplay } from '../../src/sim/autopilot-replay.js';

const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

/** A ten-second morning: the server is lost from 0:04 to 0:08. */
function replay(seats: number[], p95Ms: number[]): AutopilotReplay {
  const entSeats = seats.map((_, s) => (s >= 4 && s < 8 ? 50 : 100));
  return { startClock: '08:00', seconds: seats.length, pupils: 500, targetMs: 1000, dropAtS: 4, dropForS: 4, entSeats, seats, sessions: seats, p95Ms };
}

test('the figures come from the series: first cut, lowest seats, seconds over target, seats back', () => {
  const followed = replay([90, 90, 90, 90, 90, 60, 45, 45, 60, 90, 90], [500, 500, 500, 500, 1500, 1400, 900, 800, 500, 500, 1200]);
  assert.deepEqual(autopilotFigures(followed), {
    entBefore: 100,
    entDuring: 50,
    seatsBefore: 90,
    lowestSeats: 45,
    firstCutS: 2,
    overTargetS: 3,
    overTargetDuringLossS: 2,
    underTargetAgainAtS: 6,
    seatsBackS: 1,
  });
  const text = plain(autopilotSummary(followed));
  assert.match(text, /^À 8 h 00, l'ENT ne peut plus accueillir que 50 élèves à la fois au lieu de 100\./);
  assert.match(text, /en 2 s, il réduit les places, de 90 à 45 au plus bas\./);
  assert.match(text, /pendant la panne, les pages mettent plus de 1 s durant 2 s en tout, et restent rapides à partir de 8 h 00 min 06 s\./);
  assert.match(text, /Sur toute la matinée, l'ENT dépasse son temps de réponse cible pendant 3 s\./);
  assert.match(text, /les places retrouvent leur niveau d'avant \(90\) en 1 s\./);
});

test('nothing is claimed that did not happen: no cut, never over target, seats not back', () => {
  const calm = plain(autopilotSummary(replay([40, 40, 40, 40, 40, 40, 40, 40, 30, 30], Array(10).fill(400))));
  assert.match(calm, /Ses pages restent rapides : le pilote automatique garde ses 40 places\./);
  assert.doesNotMatch(calm, /pendant la panne/);
  assert.match(calm, /pendant 0 s\./);
  assert.match(calm, /sans retrouver sur le graphique leur niveau d'avant \(40\)/);
});

test("on the replayed morning the seats fall within seconds of the loss and the ENT's over-target time is said", () => {
  const morning = replayAutopilotMorning();
  const f = autopilotFigures(morning);
  assert.ok(Math.abs(f.entDuring * 2 - f.entBefore) <= 2, `the hidden capacity halves (${f.entBefore} → ${f.entDuring})`);
  assert.ok(f.firstCutS !== null && f.firstCutS <= 10, `first cut ${f.firstCutS} s after the loss`);
  assert.ok(f.lowestSeats <= f.entDuring, `the seats go under what the halved ENT takes (${f.lowestSeats} ≤ ${f.entDuring})`);
  assert.ok(f.overTargetS > 0 && f.overTargetS >= f.overTargetDuringLossS);
  assert.match(plain(autopilotSummary(morning)), new RegExp(`de ${f.seatsBefore.toLocaleString('fr-FR').replace(/\s/g, ' ')} à`));
});
