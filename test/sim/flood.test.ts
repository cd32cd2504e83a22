/**
 * `npm run bench:flood` on a quarter of the morning (the attacker is not scaled down: with 25,000 pupils one
 * machine's places still count against 2 %): the JSON an integrator reads, and that each defence helps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface JsonCase {
  name: string;
  attackerPlaces: number;
  pupilsMeanWaitS: number;
  pupilsMeanWaitNoAttackS: number;
  pupilPowSecondsP95: number;
}

test('bench:flood --json: seven cases of the documented shape; limits cut the wait, listing the schools\' networks the attacker\'s places', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/flood.ts', '--json', '--pupils', '25000'], { timeout: 110_000 });
  const { cases } = JSON.parse(stdout) as { cases: JsonCase[] };
  assert.equal(cases.length, 7);
  for (const c of cases) {
    assert.deepEqual(Object.keys(c).sort(), ['attackerPlaces', 'name', 'pupilPowSecondsP95', 'pupilsMeanWaitNoAttackS', 'pupilsMeanWaitS']);
    assert.ok(Number.isInteger(c.attackerPlaces) && c.attackerPlaces >= 0, c.name);
    assert.ok(c.pupilsMeanWaitS > 0 && c.pupilsMeanWaitNoAttackS > 0 && c.pupilPowSecondsP95 >= 0, c.name);
  }
  const find = (defences: string, attacker: string) => cases.find((c) => c.name.startsWith(`${defences}, `) && c.name.includes(attacker))!;
  for (const attacker of ['one machine', '1,000 addresses']) {
    const [none, limits, pow] = ['none', 'limits', 'limits+pow'].map((d) => find(d, attacker));
    // Fair admission already holds the attacker to about one place per address per round, whatever the
    // defences (stores/fair-round.ts); the limits still cut the fake tickets, so the pupils' wait.
    assert.ok(limits.pupilsMeanWaitS < none.pupilsMeanWaitS, `${attacker}: limits cut the pupils' wait`);
    assert.equal(none.pupilPowSecondsP95, 0, 'no proof of work without it');
    assert.ok(pow.pupilPowSecondsP95 > 0 && pow.pupilPowSecondsP95 <= 2, `${attacker}: pupils pay under 2 s (p95)`);
  }
  // Against one machine, limits + proof of work meet the targets.
  const machine = find('limits+pow', 'one machine');
  assert.ok(machine.attackerPlaces <= 0.02 * 25_000, `${machine.attackerPlaces} places`);
  assert.ok(machine.pupilsMeanWaitS <= 1.1 * machine.pupilsMeanWaitNoAttackS);
  // Against 1,000 addresses the schools' NATs look like the attacker's, until the operator lists the
  // schools' networks (--shared-networks): then the attacker holds one place per address (its first
  // round), 1 % of the full morning's pupils (4 % of this quarter morning's).
  const unlisted = find('limits+pow', '1,000 addresses');
  const listed = cases.find((c) => c.name === 'limits+pow, 1,000 addresses × 1 core, school networks listed')!;
  assert.ok(listed.attackerPlaces <= 1000 && 100 * listed.attackerPlaces < unlisted.attackerPlaces, `${listed.attackerPlaces} places listed, ${unlisted.attackerPlaces} not`);
  assert.ok(2 * listed.pupilsMeanWaitS < unlisted.pupilsMeanWaitS, `pupils wait ${listed.pupilsMeanWaitS} s listed, ${unlisted.pupilsMeanWaitS} s not`);
});
