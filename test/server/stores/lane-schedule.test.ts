/** Which lane the next admission comes from, and what a pupil's place means across lanes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aheadAcrossLanes, chargedVt, laneShareAt, liftClosedLanes, pickLane, wakeVt, type LaneSettings, type LaneTurn } from '../../../src/server/stores/lane-schedule.js';

/** Admits `count` tickets in turn, charging each pick; returns the lane names in admission order. */
function admit(lanes: LaneTurn[], count: number): string[] {
  const order: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = pickLane(lanes);
    if (at < 0) break;
    const lane = lanes[at]!;
    lane.vt = chargedVt(lane.vt, lane.share);
    lane.waiting--;
    order.push(lane.name);
  }
  return order;
}

test('stride scheduling admits each waiting lane by its share, the lane listed first on ties', () => {
  const lanes: LaneTurn[] = [
    { name: 'personnels', share: 0.25, vt: 0, waiting: 100 },
    { name: 'default', share: 0.75, vt: 0, waiting: 100 },
  ];
  const order = admit(lanes, 40);
  assert.equal(order[0], 'personnels', 'a staff member joining at the same time passes first');
  assert.equal(order.filter((name) => name === 'personnels').length, 10, '25 % of 40 admissions');
  // Over any stretch, the counts stay within one of the shares.
  for (let n = 1; n <= 40; n++) {
    const staff = order.slice(0, n).filter((name) => name === 'personnels').length;
    assert.ok(Math.abs(staff - n * 0.25) <= 1, `after ${n} admissions: ${staff} staff`);
  }
});

test('an empty lane lends its share; a lane with share 0 is not admitted', () => {
  assert.deepEqual(admit([{ name: 'personnels', share: 0.5, vt: 0, waiting: 0 }, { name: 'default', share: 0.5, vt: 0, waiting: 5 }], 5), ['default', 'default', 'default', 'default', 'default']);
  assert.equal(pickLane([{ name: 'parents', share: 0, vt: 0, waiting: 9 }]), -1);
});

test('a lane that fills again banks no credit from its empty time', () => {
  const lanes: LaneTurn[] = [
    { name: 'personnels', share: 0.5, vt: 0, waiting: 0 },
    { name: 'default', share: 0.5, vt: 0, waiting: 100 },
  ];
  admit(lanes, 50); // 50 pupils admitted while no staff waited
  lanes[0]!.waiting = 10;
  lanes[0]!.vt = wakeVt(lanes, 0, 49 / 0.5);
  assert.deepEqual(admit(lanes, 6), ['personnels', 'default', 'personnels', 'default', 'personnels', 'default'], 'alternates, not 10 staff in a row');
});

test('a windowed lane has its share inside the window, its shareOutside outside, in its time zone', () => {
  const lanes: LaneSettings[] = [
    { name: 'personnels', share: 0.3 },
    { name: 'parents', share: 0.2, window: { from: '08:30', to: '17:30', timeZone: 'Europe/Paris', shareOutside: 0.05 } },
    { name: 'soir', share: 0.1, window: { from: '22:00', to: '06:00' } },
  ];
  const paris = (time: string): number => Date.parse(`2026-09-01T${time}:00+02:00`); // summer time
  assert.equal(laneShareAt(lanes, 'parents', paris('08:29')), 0.05);
  assert.equal(laneShareAt(lanes, 'parents', paris('08:30')), 0.2);
  assert.equal(laneShareAt(lanes, 'parents', paris('17:30')), 0.05);
  assert.equal(laneShareAt(lanes, 'parents', Date.parse('2026-12-01T08:30:00+01:00')), 0.2, 'winter time too');
  assert.equal(laneShareAt(lanes, 'soir', paris('23:10')), 0.1, 'a window across midnight');
  assert.equal(laneShareAt(lanes, 'soir', paris('12:00')), 0, 'shareOutside defaults to 0');
  assert.ok(Math.abs(laneShareAt(lanes, 'default', paris('12:00')) - 0.4) < 1e-9, 'the default lane gets what the lanes leave');
  assert.ok(Math.abs(laneShareAt(lanes, 'removed-lane', paris('12:00')) - 0.4) < 1e-9, 'a lane no longer configured drains at the default share');
});

test('a place counts who passes before: own lane ahead, plus what stride scheduling picks from the others first', () => {
  const turn = (name: string, share: number, vt: number, waiting: number): LaneTurn => ({ name, share, vt, waiting });
  // 100 staff (share 0.25, listed first) and a pupil with 10 ahead in the default lane (0.75), both at vt 0:
  // the pupil is picked at vt 10/0.75 = 13.3; staff at 0, 4, 8, 12 before it: 10 + 4 + 1.
  assert.equal(aheadAcrossLanes(10, [turn('personnels', 0.25, 0, 100), turn('default', 0.75, 0, 50)], 1), 15);
  assert.equal(aheadAcrossLanes(10, [turn('personnels', 0.25, 0, 2), turn('default', 0.75, 0, 50)], 1), 13, 'a lane gives at most those waiting in it');
  assert.equal(aheadAcrossLanes(0, [turn('personnels', 0.25, 0, 1), turn('default', 0.75, 0, 100)], 0), 1, 'the head of a lane that wins the tie');
  assert.equal(aheadAcrossLanes(0, [turn('personnels', 0.25, 0, 100), turn('default', 0.75, 0, 1)], 1), 2, 'a tie goes to the lane listed first');
  assert.equal(aheadAcrossLanes(0, [turn('personnels', 0.5, 80, 1), turn('default', 0.5, 78, 100)], 0), 2, 'a lane behind in virtual time waits for those picked before');
  assert.equal(aheadAcrossLanes(3, [turn('parents', 0, 0, 4), turn('default', 0.75, 0, 100)], 0), 104, 'a closed lane waits behind everyone');
  assert.equal(aheadAcrossLanes(3, [turn('parents', 0, 0, 100), turn('default', 0.5, 0, 4)], 1), 4, 'a closed lane passes nobody ahead');
});

test('a lane waking up starts level with the room, with neither the credit of its empty time nor the debt of its last pick', () => {
  const lanes: LaneTurn[] = [
    { name: 'personnels', share: 0.5, vt: 80, waiting: 1 }, // 40 staff let in alone: vt 80, the room's 78
    { name: 'default', share: 0.5, vt: 0, waiting: 0 },
  ];
  assert.equal(wakeVt(lanes, 1, 78), 80, 'level with the waiting lane');
  lanes[0]!.waiting = 0;
  assert.equal(wakeVt(lanes, 1, 78), 78, 'alone: the room virtual time');
  assert.equal(wakeVt(lanes, 0, 78), 78, 'its own debt is dropped');
  const closed: LaneTurn[] = [{ name: 'parents', share: 0, vt: 3, waiting: 20 }, { name: 'default', share: 1, vt: 200, waiting: 9 }];
  liftClosedLanes(closed, 199);
  assert.equal(closed[0]!.vt, 199, 'a lane waiting outside its window keeps level with the room');
});
