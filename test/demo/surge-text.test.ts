/**
 * The sentences beside the teachers' page's plots (demo/surge/surge-text.ts) say what the simulated data
 * says, and change when the data does.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockAt, duration, enteredSummary, requestsSummary, waitingSummary } from '../../demo/surge/surge-text.js';
import type { ReplayedPolicy, SurgeReplay } from '../../src/sim/surge-replay.js';
import { TUESDAY_8AM } from '../../src/sim/tuesday-scenario.js';

/** French text with its no-break spaces turned into plain ones, to compare with readable literals. */
const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

function policy(name: string, overrides: Partial<ReplayedPolicy>): ReplayedPolicy {
  return { name, waiting: [0, 100, 50, 0], entered: [0, 0, 50, 100], requests: [0, 10, 5, 0], peakRequestsPerSecond: 10, peakRequestsAtS: 1, requestsTotal: 15, failedTotal: 0, peakWaiting: 100, everyoneInS: 600, meanWaitS: 240, ...overrides };
}
const replayOf = (ours: Partial<ReplayedPolicy>, reload: Partial<ReplayedPolicy>): SurgeReplay => ({
  scenario: TUESDAY_8AM,
  seconds: 4,
  policies: [policy('antichambre', ours), policy('reload-5s', reload)],
});

test('clock times and durations read as a French teacher writes them, and never break across lines', () => {
  assert.equal(TUESDAY_8AM.startClock, '07:58');
  assert.equal(clockAt(TUESDAY_8AM, 125), '8\u00a0h\u00a000');
  assert.equal(plain(clockAt(TUESDAY_8AM, 705, true)), '8 h 09 min 45 s');
  assert.equal(plain(duration(236)), '3 min 56 s');
  assert.equal(plain(duration(42)), '42 s');
  assert.ok(!/ /.test(duration(236) + clockAt(TUESDAY_8AM, 705, true)), 'only no-break spaces inside');
});

test('the waiting sentence says the curves coincide only when they do', () => {
  const same = plain(waitingSummary(replayOf({}, {})));
  assert.match(same, /Au plus fort, 100 élèves attendent en même temps, vers 7 h 58\./);
  assert.match(same, /se confondent/);
  const apart = plain(waitingSummary(replayOf({}, { waiting: [0, 300, 200, 0], peakWaiting: 300 })));
  assert.doesNotMatch(apart, /se confondent/);
  assert.match(apart, /jusqu'à 300 élèves attendent/);
});

test('"no sooner" is said only when reloading really got the last pupil in no sooner', () => {
  const even = plain(enteredSummary(replayOf({ everyoneInS: 705 }, { everyoneInS: 707 })));
  assert.match(even, /le dernier élève entre à 8 h 09 min 45 s ; quand tout le monde appuie sur « Actualiser » toutes les 5 s environ, à 8 h 09 min 47 s\./);
  assert.match(even, /ne fait entrer personne plus tôt/);
  assert.match(even, /attend 4 min dans les deux cas/);
  const sooner = plain(enteredSummary(replayOf({ everyoneInS: 705, meanWaitS: 300 }, { everyoneInS: 645, meanWaitS: 200 })));
  assert.match(sooner, /fait entrer le dernier élève 1 min plus tôt/);
  assert.match(sooner, /attend 5 min avec antichambre, 3 min 20 s quand tout le monde/);
  assert.match(plain(enteredSummary(replayOf({}, { everyoneInS: null }))), /jamais pour certains/);
});

test('the requests sentence quotes both peaks, the ratio and both totals from the data', () => {
  const text = plain(requestsSummary(replayOf({ peakRequestsPerSecond: 68, requestsTotal: 21_450 }, { peakRequestsPerSecond: 430, requestsTotal: 144_542 })));
  assert.match(text, /Avec antichambre, le serveur reçoit au plus 68 requêtes par seconde ; sans, 430 : 6 fois plus\./);
  assert.match(text, /21 450 requêtes contre 144 542/);
  const close = plain(requestsSummary(replayOf({ peakRequestsPerSecond: 100 }, { peakRequestsPerSecond: 120 })));
  assert.doesNotMatch(close, /fois plus/, 'no ratio claimed when the peaks are close');
});

test('unanswered requests are quoted only when the server was overloaded, with the share of each page', () => {
  const overloaded = plain(requestsSummary(replayOf({ requestsTotal: 21_450 }, { requestsTotal: 145_541, failedTotal: 41_755 })));
  assert.match(overloaded, /Ce serveur répond au plus à 200 requêtes par seconde ; au-delà, l'élève voit une page d'erreur\./);
  assert.match(overloaded, /sans réponse avec antichambre : aucune ; quand tout le monde appuie sur « Actualiser » toutes les 5 s environ : 41 755 \(29 %\)\./);
  assert.doesNotMatch(plain(requestsSummary(replayOf({}, {}))), /sans réponse/, 'nothing failed: nothing said');
});
