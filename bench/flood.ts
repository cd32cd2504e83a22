/**
 * `npm run bench:flood [-- --pupils N] [-- --json]`: the default morning plus an attacker joining as fast as
 * the defences allow from 7:50 (src/sim/flood-model.ts, docs/benchmarks.md). Six cases: no defences, join
 * limits only, limits + proof of work; against one machine (1 address, 2 cores) and 1,000 addresses × 1 core.
 * A seventh: limits + proof of work against 1,000 addresses with the schools' networks listed
 * (`--shared-networks`), and a second table of school and home pupils' waits with and without that list.
 * `--json` prints only `{ "cases": [...] }` on stdout.
 */
import { parseArgs } from 'node:util';
import { runFlood, type Attacker, type Defences, type FloodResult } from '../src/sim/flood-model.js';
import { DEFAULT_SCENARIO, scaleScenario, type Scenario } from '../src/sim/scenario.js';

export interface FloodCase {
  name: string;
  defences: Defences;
  attacker: Attacker;
  attackerPlaces: number;
  /** attackerPlaces ÷ pupils. */
  attackerShare: number;
  pupilsMeanWaitS: number;
  pupilsMeanWaitNoAttackS: number;
  pupilPowSecondsP95: number;
  /** The schools' networks listed (`--shared-networks`): their pupils keep plain join order. */
  schoolNetworksListed: boolean;
  /** Pupils behind a school's NAT and pupils alone at their address, with and without the attack. */
  schoolPupilsMeanWaitS: number;
  homePupilsMeanWaitS: number;
  schoolPupilsMeanWaitNoAttackS: number;
  homePupilsMeanWaitNoAttackS: number;
}

export const ATTACKERS: Record<string, Attacker> = {
  'one machine (1 address, 2 cores)': { addresses: 1, coresPerAddress: 2 },
  '1,000 addresses × 1 core': { addresses: 1000, coresPerAddress: 1 },
};
export const DEFENCES: Defences[] = ['none', 'limits', 'limits+pow'];

/** Every case on `scenario`; each defence's no-attack morning is run once and shared by its two attackers. */
export async function floodCases(scenario: Scenario): Promise<FloodCase[]> {
  const cases: FloodCase[] = [];
  for (const defences of DEFENCES) {
    const quiet: FloodResult = await runFlood({ scenario, defences, attacker: null });
    for (const [label, attacker] of Object.entries(ATTACKERS)) cases.push(await floodCase(scenario, defences, label, attacker, quiet, false));
  }
  // The operator's answer for pupils behind a school's NAT, who look like attacker addresses (docs/defences.md).
  const listedQuiet = await runFlood({ scenario, defences: 'limits+pow', attacker: null, schoolNetworksListed: true });
  cases.push(await floodCase(scenario, 'limits+pow', LISTED_ATTACKER, ATTACKERS[LISTED_ATTACKER]!, listedQuiet, true));
  return cases;
}

const LISTED_ATTACKER = '1,000 addresses × 1 core';

async function floodCase(
  scenario: Scenario,
  defences: Defences,
  label: string,
  attacker: Attacker,
  quiet: FloodResult,
  schoolNetworksListed: boolean,
): Promise<FloodCase> {
  const result = await runFlood({ scenario, defences, attacker, schoolNetworksListed });
  return {
    name: `${defences}, ${label}${schoolNetworksListed ? ', school networks listed' : ''}`,
    defences,
    attacker,
    attackerPlaces: result.attackerPlaces,
    attackerShare: result.attackerPlaces / scenario.pupils,
    pupilsMeanWaitS: Math.round(result.pupilsMeanWaitS),
    pupilsMeanWaitNoAttackS: Math.round(quiet.pupilsMeanWaitS),
    pupilPowSecondsP95: +result.pupilPowSecondsP95.toFixed(2),
    schoolNetworksListed,
    schoolPupilsMeanWaitS: Math.round(result.schoolPupilsMeanWaitS),
    homePupilsMeanWaitS: Math.round(result.homePupilsMeanWaitS),
    schoolPupilsMeanWaitNoAttackS: Math.round(quiet.schoolPupilsMeanWaitS),
    homePupilsMeanWaitNoAttackS: Math.round(quiet.homePupilsMeanWaitS),
  };
}

/** The issue's targets for limits + proof of work: ≤ 2 % of the pupils' places, ≤ 1.1× the wait, p95 ≤ 2 s. */
export const meetsTargets = (c: FloodCase): boolean =>
  c.attackerShare <= 0.02 && c.pupilsMeanWaitS <= 1.1 * c.pupilsMeanWaitNoAttackS && c.pupilPowSecondsP95 <= 2;

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { pupils: { type: 'string', default: String(DEFAULT_SCENARIO.pupils) }, json: { type: 'boolean', default: false } } });
  const pupils = Number(values.pupils);
  if (!Number.isInteger(pupils) || pupils < 100 || pupils > 1_000_000) throw new Error('--pupils must be an integer in [100, 1000000]');
  // The model has no outage: it is about places and waits, not about a server going down.
  const scenario: Scenario = { ...scaleScenario(DEFAULT_SCENARIO, pupils), outages: [] };
  const cases = await floodCases(scenario);
  if (values.json) {
    const keep = ({ name, attackerPlaces, pupilsMeanWaitS, pupilsMeanWaitNoAttackS, pupilPowSecondsP95 }: FloodCase) => ({
      name,
      attackerPlaces,
      pupilsMeanWaitS,
      pupilsMeanWaitNoAttackS,
      pupilPowSecondsP95,
    });
    process.stdout.write(`${JSON.stringify({ cases: cases.map(keep) })}\n`);
  } else {
    const min = (s: number) => `${(s / 60).toFixed(1)} min`;
    console.log(`Flood on the default morning: ${pupils} pupils from 7:55, the attacker from 7:50 (docs/benchmarks.md).\n`);
    console.log('| case | attacker places (share of pupils) | pupils mean wait | without attack | pupils PoW p95 | targets |');
    console.log('|---|---:|---:|---:|---:|---|');
    for (const c of cases) {
      const targets = c.defences === 'limits+pow' ? (meetsTargets(c) ? 'met' : 'NOT met') : '';
      const places = `${c.attackerPlaces.toLocaleString('en')} (${(100 * c.attackerShare).toFixed(1)} %)`;
      console.log(`| ${c.name} | ${places} | ${min(c.pupilsMeanWaitS)} | ${min(c.pupilsMeanWaitNoAttackS)} | ${c.pupilPowSecondsP95} s | ${targets} |`);
    }
    console.log(`\nPupils who share an address: limits+pow, ${LISTED_ATTACKER}; 10 % of the pupils behind school NATs (300 an address).\n`);
    console.log('| school networks | attacker places | school pupils mean wait | home pupils mean wait | no attack: school pupils | no attack: home pupils |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const c of cases.filter((c) => c.defences === 'limits+pow' && c.name.includes(LISTED_ATTACKER))) {
      const places = `${c.attackerPlaces.toLocaleString('en')} (${(100 * c.attackerShare).toFixed(1)} %)`;
      const row = [c.schoolPupilsMeanWaitS, c.homePupilsMeanWaitS, c.schoolPupilsMeanWaitNoAttackS, c.homePupilsMeanWaitNoAttackS].map(min);
      console.log(`| ${c.schoolNetworksListed ? 'listed (--shared-networks)' : 'not listed'} | ${places} | ${row.join(' | ')} |`);
    }
  }
}
