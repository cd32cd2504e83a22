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

test('bench:flood --json: six cases of the documented shape; limits then proof of work cut the attacker and the wait', { timeout: 120_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'bench/flood.ts', '--json', '--pupils', '25000'], { timeout: 110_000 });
  const { cases } = JSON.parse(stdout) as { cases: JsonCase[] };
  assert.equal(cases.length, 6);
  for (const c of cases) {
    assert.deepEqual(Object.keys(c).sort(), ['attackerPlaces', 'name', 'pupilPowSecondsP95', 'pupilsMeanWaitNoAttackS', 'pupilsMeanWaitS']);
    assert.ok(Number.isInteger(c.attackerPlaces) && c.attackerPlaces >= 0, c.name);
    assert.ok(c.pupilsMeanWaitS > 0 && c.pupilsMeanWaitNoAttackS > 0 && c.pupilPowSecondsP95 >= 0, c.name);
  }
  const find = (defences: string, attacker: string) => cases.find((c) => c.name.startsWith(`${defences}, `) && c.name.includes(attacker))!;
  for (const attacker of ['one machine', '1,000 addresses']) {
    const [none, limits, pow] = ['none', 'limits', 'limits+pow'].map((d) => find(d, attacker));
    assert.ok(limits.attackerPlaces < none.attackerPlaces, `${attacker}: limits cut the attacker's places`);
    assert.ok(pow.attackerPlaces < limits.attackerPlaces, `${attacker}: proof of work cuts them further`);
    assert.ok(pow.pupilsMeanWaitS <= limits.pupilsMeanWaitS && limits.pupilsMeanWaitS < none.pupilsMeanWaitS, `${attacker}: and the pupils' wait`);
    assert.equal(none.pupilPowSecondsP95, 0, 'no proof of work without it');
    assert.ok(pow.pupilPowSecondsP95 > 0 && pow.pupilPowSecondsP95 <= 2, `${attacker}: pupils pay under 2 s (p95)`);
  }
  // Against one machine, limits + proof of work meet the targets.
  const machine = find('limits+pow', 'one machine');
  assert.ok(machine.attackerPlaces <= 0.02 * 25_000, `${machine.attackerPlaces} places`);
  assert.ok(machine.pupilsMeanWaitS <= 1.1 * machine.pupilsMeanWaitNoAttackS);
});
