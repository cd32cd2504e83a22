/**
 * `npm run bench:pow [-- --samples N] [-- --json]`: what the join proof of work costs a pupil and an
 * attacker (docs/defences.md). A pupil: the widget's solver (src/core/pow/pow-search.ts) in real Chromium,
 * with the CPU slowed 4× and 6× (CDP Emulation.setCPUThrottlingRate, Lighthouse's "mid-tier mobile" is 4×)
 * on challenges of the default difficulty. An attacker: one core hashing with node:crypto for 5 s.
 */
import { createHash, randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { searchPow } from '../src/core/pow/pow-search.js';
import { BASE_POW_MAXNUMBER } from '../src/server/defence/join-pow.js';
import { launchChromium } from '../test/support/browser.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '20' }, json: { type: 'boolean', default: false } } });
const samples = Number(values.samples);
const log = (line: string) => void (values.json ? process.stderr : process.stdout).write(`${line}\n`);
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Solving times (s) of `samples` challenges whose answers are drawn like altcha-lib draws them. */
async function phoneSeconds(rate: number): Promise<number[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    // `__name`: tsx (esbuild keepNames) calls it inside the function's text.
    await page.addScriptTag({ content: `var __name = (f) => f; window.searchPow = ${searchPow};` });
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const salt = `${randomInt(2 ** 40).toString(16)}?room=college-victor-hugo&key=${'k'.repeat(32)}&expires=1788000000&`;
      const number = randomInt(BASE_POW_MAXNUMBER + 1);
      const challenge = createHash('sha256').update(salt + number).digest('hex');
      const ms = await page.evaluate(
        ([s, c, max]) => {
          const start = performance.now();
          (window as unknown as { searchPow: typeof searchPow }).searchPow(s as string, c as string, 0, (max as number) + 1);
          return performance.now() - start;
        },
        [salt, challenge, BASE_POW_MAXNUMBER] as const,
      );
      times.push(ms / 1000);
    }
    return times.sort((a, b) => a - b);
  } finally {
    await browser.close();
  }
}

function nativeHashesPerSecond(seconds = 5): number {
  const salt = `${'a'.repeat(24)}?room=college-victor-hugo&key=${'k'.repeat(32)}&expires=1788000000&`;
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    for (let i = 0; i < 10_000; i++) createHash('sha256').update(salt + n++).digest('hex');
  }
  return n / ((performance.now() - start) / 1000);
}

const phones = [];
for (const rate of [1, 4, 6]) {
  log(`Chromium, CPU throttled ${rate}×: ${samples} challenges of maxnumber ${BASE_POW_MAXNUMBER}…`);
  const times = await phoneSeconds(rate);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  phones.push({ cpuThrottling: rate, meanS: +mean.toFixed(2), p95S: +quantile(times, 0.95).toFixed(2), maxS: +times[times.length - 1].toFixed(2) });
  log(`  mean ${mean.toFixed(2)} s, p95 ${quantile(times, 0.95).toFixed(2)} s`);
}
const hashesPerSecond = nativeHashesPerSecond();
// Answers are uniform in [0, maxnumber]: half of maxnumber hashes on average per join.
const attacker = {
  hashesPerSecond: Math.round(hashesPerSecond),
  joinsPerMinutePerCore: Math.round((60 * hashesPerSecond) / (BASE_POW_MAXNUMBER / 2)),
};
log(`node:crypto, one core: ${(hashesPerSecond / 1e6).toFixed(2)} M hashes/s → ${attacker.joinsPerMinutePerCore} joins a minute`);
if (values.json) process.stdout.write(`${JSON.stringify({ maxnumber: BASE_POW_MAXNUMBER, phones, attacker })}\n`);
