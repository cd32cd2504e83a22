/**
 * `--autopilot-room ROOM --autopilot-target-ms 1000 --autopilot-capacity 100-5000
 * --autopilot-admit-per-minute 60-1200 [--autopilot-probe-url URL]`: the autopilot of one room from the
 * command line, validated by the same schema as the admin API, with a message an operator can act on.
 */
import * as v from 'valibot';
import { AutopilotConfigSchema, type AutopilotConfig } from './autopilot-config.js';

export const AUTOPILOT_FLAGS = {
  'autopilot-room': { type: 'string' },
  'autopilot-target-ms': { type: 'string' },
  'autopilot-probe-url': { type: 'string' },
  'autopilot-capacity': { type: 'string' },
  'autopilot-admit-per-minute': { type: 'string' },
} as const;

export const AUTOPILOT_USAGE = `  --autopilot-room <room>  steer this room's seats and rate from its ENT's page times (docs/autopilot.md)
  --autopilot-target-ms <n>  p95 server time the ENT's pages should stay under (default 1000)
  --autopilot-capacity <min-max>  bounds of the seats (default 100-10000)
  --autopilot-admit-per-minute <min-max>  bounds of the rate (default 60-3000)
  --autopilot-probe-url <url>  a page of the ENT that touches its session store, fetched 4 times a second`;

type Flags = Partial<Record<keyof typeof AUTOPILOT_FLAGS, string | undefined>>;

export class AutopilotFlagError extends Error {
  override name = 'AutopilotFlagError';
}

export function autopilotFromFlags(flags: Flags): (AutopilotConfig & { room: string }) | undefined {
  const room = flags['autopilot-room'];
  if (room === undefined) {
    const stray = Object.keys(AUTOPILOT_FLAGS).find((name) => flags[name as keyof Flags] !== undefined);
    if (stray) throw new AutopilotFlagError(`--${stray} needs --autopilot-room ROOM`);
    return undefined;
  }
  if (!/^[a-z0-9-]{1,64}$/.test(room)) throw new AutopilotFlagError('--autopilot-room takes a room id (a-z, 0-9 and -, up to 64)');
  const [minCapacity, maxCapacity] = range(flags['autopilot-capacity'] ?? '100-10000', '--autopilot-capacity');
  const [minAdmitPerMinute, maxAdmitPerMinute] = range(flags['autopilot-admit-per-minute'] ?? '60-3000', '--autopilot-admit-per-minute');
  const result = v.safeParse(AutopilotConfigSchema, {
    on: true,
    targetMs: Number(flags['autopilot-target-ms'] ?? 1000),
    probeUrl: flags['autopilot-probe-url'],
    minCapacity,
    maxCapacity,
    minAdmitPerMinute,
    maxAdmitPerMinute,
  });
  if (!result.success) {
    const field = String(result.issues[0].path?.[0]?.key ?? '');
    throw new AutopilotFlagError(`autopilot${field ? ` ${field}` : ''}: ${result.issues[0].message}`);
  }
  return { room, ...result.output };
}

function range(text: string, flag: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (!match) throw new AutopilotFlagError(`${flag} takes MIN-MAX, like 100-5000; got "${text.slice(0, 40)}"`);
  return [Number(match[1]), Number(match[2])];
}
