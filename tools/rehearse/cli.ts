/**
 * `npm run rehearse -- --target URL --pupils N --rooms R --minutes M [--processes P] [--json]`: what an
 * operator runs against staging before the rentrée (docs/capacity.md, "Rehearse before the rentrée").
 * Exit 0 when no place was lost and no pupil overtaken, 1 otherwise, 2 on a bad command line.
 */
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { REHEARSAL_DEFAULTS, RehearsalError, rehearsalEndpoint, rehearse, type Progress } from './rehearse.js';
import { reportTable } from './report-table.js';

const USAGE = `Usage: npm run rehearse -- --target URL [options]

  --target <url>          the queue server (http://127.0.0.1:8080 or …/api/v1); loopback only unless --allow-remote
  --pupils <n>            virtual pupils (default ${REHEARSAL_DEFAULTS.pupils}, at most 1,000,000)
  --rooms <n>             rooms they spread over, ${REHEARSAL_DEFAULTS.roomPrefix}-0… (default ${REHEARSAL_DEFAULTS.rooms})
  --minutes <m>           length of the run; arrivals over its first 60 % (default ${REHEARSAL_DEFAULTS.minutes}, at most 120)
  --processes <n>         child processes sharing the pupils (default ${REHEARSAL_DEFAULTS.processes})
  --session-seconds <s>   an admitted pupil stays this long ±50 %, then releases (default ${REHEARSAL_DEFAULTS.sessionSeconds})
  --heartbeat-seconds <s> heartbeat period while admitted (default ${REHEARSAL_DEFAULTS.heartbeatSeconds})
  --room-prefix <name>    room names' prefix (default ${REHEARSAL_DEFAULTS.roomPrefix})
  --allow-remote          allow a target that is not this machine
  --json                  print one JSON object instead of the table

The target must believe this machine's X-Forwarded-For (each virtual pupil sends its own address):
start it with --trust-proxy 127.0.0.1 (or the rehearsing host's address). Otherwise every pupil is one
client: joins past the burst of 100 get 429 and the flood rule asks for proof of work.`;

const count = (name: string, max: number) => v.pipe(v.string(), v.regex(/^\d+$/, `${name} must be a whole number`), v.transform(Number), v.minValue(1, `${name} must be at least 1`), v.maxValue(max, `${name} must be at most ${max}`));
const seconds = (name: string, max: number) => v.pipe(v.string(), v.transform(Number), v.number(`${name} must be a number`), v.minValue(0.01, `${name} must be positive`), v.maxValue(max, `${name} must be at most ${max}`));

const ArgsSchema = v.object({
  target: v.string('--target is required (e.g. --target http://127.0.0.1:8080)'),
  pupils: count('--pupils', 1_000_000),
  rooms: count('--rooms', 100_000),
  minutes: seconds('--minutes', 120),
  processes: count('--processes', 64),
  sessionSeconds: seconds('--session-seconds', 7200),
  heartbeatSeconds: seconds('--heartbeat-seconds', 600),
  roomPrefix: v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,50}$/, '--room-prefix takes a-z, 0-9 and -')),
});

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        target: { type: 'string' },
        pupils: { type: 'string', default: String(REHEARSAL_DEFAULTS.pupils) },
        rooms: { type: 'string', default: String(REHEARSAL_DEFAULTS.rooms) },
        minutes: { type: 'string', default: String(REHEARSAL_DEFAULTS.minutes) },
        processes: { type: 'string', default: String(REHEARSAL_DEFAULTS.processes) },
        'session-seconds': { type: 'string', default: String(REHEARSAL_DEFAULTS.sessionSeconds) },
        'heartbeat-seconds': { type: 'string', default: String(REHEARSAL_DEFAULTS.heartbeatSeconds) },
        'room-prefix': { type: 'string', default: REHEARSAL_DEFAULTS.roomPrefix },
        'allow-remote': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message.split('\n')[0]} (see --help)`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const parsed = v.safeParse(ArgsSchema, {
    target: values.target,
    pupils: values.pupils,
    rooms: values.rooms,
    minutes: values.minutes,
    processes: values.processes,
    sessionSeconds: values['session-seconds'],
    heartbeatSeconds: values['heartbeat-seconds'],
    roomPrefix: values['room-prefix'],
  });
  if (!parsed.success) {
    console.error(parsed.issues[0].message);
    return 2;
  }
  const options = { ...parsed.output, allowRemote: values['allow-remote'] };
  let endpoint: string;
  try {
    endpoint = rehearsalEndpoint(options.target, options.allowRemote);
  } catch (error) {
    if (error instanceof RehearsalError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const host = new URL(endpoint).host;
  // Said before the first request, on stderr so that --json output stays one object.
  console.error(
    `${options.allowRemote ? `REMOTE target ${host} (--allow-remote)` : `Target ${host} (this machine)`}: ${options.pupils} pupils over ${options.rooms} rooms ` +
      `for ${options.minutes} min (hard stop ${options.minutes * 60 + 10} s). The target must run with --trust-proxy <this host>.`,
  );
  const report = await rehearse(options, progressPrinter());
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else console.log(reportTable(report));
  const throttled = Object.keys(report.errorsByCode).some((code) => code.startsWith('join 429')) || report.powRequired > 0;
  if (throttled) console.error('Joins were limited (429) or asked for proof of work: was the target started with --trust-proxy for this host?');
  return report.placesLost === 0 && report.fifoInversions === 0 ? 0 : 1;
}

/** One line rewritten in place on a terminal; a plain line every 5 s otherwise (CI logs, `| tee`). */
function progressPrinter(): (progress: Progress) => void {
  const tty = process.stderr.isTTY;
  let printedAt = 0;
  return (p) => {
    const line = `${(p.elapsedMs / 1000).toFixed(0).padStart(4)} s / ${p.durationMs / 1000} s  arrived ${p.arrived}  admitted ${p.admitted}  released ${p.released}  requests ${p.requests}  errors ${p.errors}  places lost ${p.placesLost}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (Date.now() - printedAt >= 5000) {
      printedAt = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

process.exitCode = await main(process.argv.slice(2));
if (process.stderr.isTTY) process.stderr.write('\n');
