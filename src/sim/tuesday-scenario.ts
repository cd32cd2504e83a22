/**
 * The teachers' page's morning: a collège's 3,000 pupils log in to the ENT on a Tuesday around 8:00, most
 * within two minutes of the bell, all within five. The ENT takes 250 new logins a minute (its real limit is
 * the rate, not the number of seats), so the last ones wait about ten minutes whatever their page does.
 * Nobody gives up and the queue server never goes down, but it answers at most 200 requests a second: the
 * only difference between two runs is the pupils' page. Sessions last a lesson (50–60 min), so the seats they free come after the plotted morning.
 */
import { DEFAULT_STATUS_BUDGET_PER_SECOND } from '../server/room-policy/pacing.js';
import { antichambreModel } from './antichambre-model.js';
import type { AnyClientModel } from './client-model.js';
import { reloadModel } from './reload-model.js';
import type { Scenario } from './scenario.js';

export const TUESDAY_8AM: Scenario = {
  pupils: 3_000,
  seed: 8,
  startClock: '07:58',
  arrivalWindowS: 300,
  arrivalPeakS: 120,
  arrivalSpreadS: 60,
  capacity: 3_000,
  admitPerMinute: 250,
  sessionMinS: 3_000,
  sessionMaxS: 3_600,
  statusBudgetPerSecond: DEFAULT_STATUS_BUDGET_PER_SECOND,
  outages: [],
  // A collège's queue server, sized for what antichambre asks of it (under 100 requests/s) with room to
  // spare; a page that reloads regardless goes past it for minutes.
  serverRequestsPerSecond: 200,
  leaveShare: 0,
  leaveMinS: 60,
  leaveMaxS: 600,
  leaveReleaseShare: 0,
};

/** The two pages the teachers' page compares on that morning: antichambre's, and Reload every ~5 s. */
export const TUESDAY_MODELS: readonly AnyClientModel[] = [antichambreModel(), reloadModel()];
