/**
 * What the live demo says after « L'ENT ralentit » (demo/live-demo-text.ts): the seats' fall once, with the
 * figures the counters show, then the ENT coming back; nothing while nothing changed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeConnected, describeEnt, slowdownNews, slowdownStarted } from '../../demo/live-demo-text.js';

const plain = (text: string): string => text.replace(/[\u00a0\u202f]/g, ' ');

test('the press says what the teacher did and what the queue will do, with the seats at that moment', () => {
  assert.match(slowdownStarted(45, 10), /^L'ENT ralentit pendant 45 s : il ne supporte plus que la moitié des élèves\..*\(10 en ce moment\)/);
});

test('the fall of the seats is said once, with the seats before and after', () => {
  const watch = { seatsBefore: 20, followed: false };
  assert.deepEqual(slowdownNews(watch, { seats: 20, slowSeconds: 40 }), { watch }, 'no fall yet: nothing said');
  const fell = slowdownNews(watch, { seats: 12, slowSeconds: 38 });
  assert.equal(fell.sentence, "L'ENT ralentit : la file laisse entrer moins d'élèves (12 places au lieu de 20).");
  assert.deepEqual(fell.watch, { seatsBefore: 20, followed: true });
  const later = slowdownNews(fell.watch!, { seats: 9, slowSeconds: 30 });
  assert.equal(later.sentence, undefined, 'a second cut is not announced again');
  assert.equal(plain(slowdownNews(watch, { seats: 1, slowSeconds: 30 }).sentence!), "L'ENT ralentit : la file laisse entrer moins d'élèves (1 place au lieu de 20).");
});

test('the end of the slowdown is said once, and differently when the seats never had to fall', () => {
  const ended = slowdownNews({ seatsBefore: 20, followed: true }, { seats: 12, slowSeconds: 0 });
  assert.match(ended.sentence!, /^L'ENT répond de nouveau normalement : la file rouvre des places .* \(12 places pour l'instant\)\.$/);
  assert.equal(ended.watch, undefined, 'nothing more to follow');
  const coped = slowdownNews({ seatsBefore: 4, followed: false }, { seats: 4, slowSeconds: 0 });
  assert.equal(coped.sentence, "L'ENT a ralenti sans être débordé : la file n'a rien eu à changer (4 places ouvertes).");
  assert.equal(coped.watch, undefined);
});

test("the ENT's hidden capacity reads in French, with the slowdown's time left", () => {
  assert.equal(describeEnt(12, 0), '12 élèves à la fois');
  assert.equal(describeEnt(1, 40), '1 élève à la fois, ralenti encore 40 s');
});

test('pupils above the seats after a cut are explained, not shown as a bare "11 sur 5"', () => {
  assert.equal(describeConnected(8, 10), '8 sur 10');
  assert.equal(describeConnected(11, 5), '11 sur 5 (les places fermées se libèrent à leur départ)');
});
