/** A child process of `npm run rehearse --processes P`: runs its share of the pupils, reports over IPC. */
import { pupilPlans, runShare, type RehearsalOptions } from './rehearse.js';
import { Tally } from './tally.js';

interface Assignment {
  options: RehearsalOptions;
  startAt: number;
  hardStopAt: number;
  index: number;
  count: number;
}

process.once('message', async ({ options, startAt, hardStopAt, index, count }: Assignment) => {
  const tally = new Tally();
  const ticker = setInterval(() => process.send?.({ kind: 'progress', snapshot: tally.snapshot(false) }), 1000);
  await runShare(pupilPlans(options, startAt, index, count), tally, hardStopAt);
  clearInterval(ticker);
  process.send?.({ kind: 'done', snapshot: tally.snapshot() }, () => process.exit(0));
});
