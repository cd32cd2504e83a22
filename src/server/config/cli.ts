/**
 * `antichambre` on the command line (`npm run serve`; `npm start` runs it with the demo's add-on,
 * demo/server/start.ts): reads flags and env, starts the server, prints where it is. A bad value exits
 * with code 2 and one line, no stack trace.
 */
import { pathToFileURL } from 'node:url';
import { API_PATH } from '../http/app.js';
import { ConfigError, USAGE, parseConfig } from './config.js';
import { startServer, type RunningServer, type StartOptions } from '../http/serve.js';
import { roomCreation } from '../stores/store-options-from-settings.js';
import { describeRedisTarget, redisProblem } from '../stores/redis-connection.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** What a wrapper adds to the server the CLI starts: the demo (demo/server/start.ts) adds its pages. */
export interface CliAddOn {
  /** Routes mounted after the API, and an intercept in front of it, for the server these options start. */
  serverOptions(options: { adminToken?: string; trustProxy: readonly string[] }): Pick<StartOptions, 'extend' | 'intercept'>;
  /** Lines printed first under "listening on", from the server's base URL. */
  urls(base: string): string[];
  /** Its pages are on the queue server's own origin: no warning about `--cors-origin *`. */
  sameOrigin: boolean;
}

/** Starts the server; resolves to null (and sets process.exitCode) when it should not run. */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo = consoleIo,
  addOn?: CliAddOn,
): Promise<RunningServer | null> {
  let config;
  try {
    config = parseConfig(argv, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`antichambre: ${error.message}`);
    process.exitCode = 2;
    return null;
  }
  if (config === 'help') {
    io.out(USAGE);
    return null;
  }

  const { generated, ...options } = config;
  // An unreachable Redis (mistyped node, wrong Sentinel master name) stops the start with one line: a
  // server that started anyway would answer every pupil 503 at 8:00.
  const problem = options.redis && (await redisProblem(options.redis));
  if (problem) {
    io.err(`antichambre: ${problem}`);
    process.exitCode = 2;
    return null;
  }
  let server: RunningServer;
  try {
    server = await startServer({
      ...options,
      processMetrics: true,
      ...addOn?.serverOptions(options),
    });
  } catch (error) {
    // EADDRINUSE, EACCES…: the operator's problem to fix, stated in one line.
    io.err(`antichambre: cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return null;
  }

  const base = `http://localhost:${server.port}`;
  io.out(`antichambre is listening on ${options.host}:${server.port}`);
  for (const line of addOn?.urls(base) ?? []) io.out(line);
  io.out(`  queue API        ${base}${API_PATH}`);
  io.out(`  queue store      ${options.redis ? describeRedisTarget(options.redis) : 'memory (one instance; lost on restart)'}`);
  io.out(`  rooms default to capacity ${options.capacity}, ${options.admitPerMinute} admissions/min`);
  const declared = Object.keys(options.declaredRooms ?? {}).length;
  if (options.roomsFile) io.out(`  declared rooms   ${declared} from ${options.roomsFile} (recreated from it if missing)`);
  io.out(
    roomCreation(options) === 'join'
      ? `  room creation    a pupil's join creates an unknown room (at most ${options.maxRooms} rooms; idle ones are forgotten)`
      : '  room creation    admin only: joins to an undeclared, unconfigured room get 404 room-not-found',
  );
  io.out(`  admin token      ${generated.adminToken ? server.adminToken : '(from ANTICHAMBRE_ADMIN_TOKEN)'}`);
  if (generated.secret) io.out('  ANTICHAMBRE_SECRET is unset: a random one is used, tickets will not survive a restart.');
  const { admissionKey } = options;
  io.out(`  admission tokens ${admissionKey.alg}${admissionKey.kid ? ` (kid ${admissionKey.kid})` : ''}, gate at ${base}${API_PATH}/verify`);
  if (admissionKey.alg === 'ES256') io.out(`  public keys      ${base}${API_PATH}/.well-known/jwks.json`);
  if (generated.admissionKey) {
    io.out('  ANTICHAMBRE_JWT_PRIVATE_KEY is unset: generated an ES256 key pair. Admissions will not survive a restart,');
    io.out('  and several instances must share one key: set ANTICHAMBRE_JWT_PRIVATE_KEY (see docs/integration.md).');
  }
  io.out(`  health           ${base}/healthz`);
  const pilot = options.autopilot;
  if (pilot) {
    const source = pilot.probeUrl ? `probe ${pilot.probeUrl}` : "pupils' reports only (no --autopilot-probe-url)";
    io.out(`  autopilot        room ${pilot.room}: p95 under ${pilot.targetMs} ms, seats ${pilot.minCapacity}-${pilot.maxCapacity}, ${pilot.minAdmitPerMinute}-${pilot.maxAdmitPerMinute}/min, ${source}; one log line per change`);
  }
  // Joins are JSON (preflighted) and their Origin is checked, but only against a list: with *, any web site
  // its pupils visit can make them join this line. The demo is one origin, so it needs no list.
  if (!addOn?.sameOrigin && options.corsOrigins.includes('*')) {
    io.out('  --cors-origin is *: any web site can make its visitors join. Name the ENT: --cors-origin https://ent.example');
  }
  if (server.metricsUrl === undefined) io.err(`antichambre: ${server.metricsError ?? 'metrics are off'}; pick another --metrics-port, or set --metrics-token`);
  else io.out(`  metrics          ${server.metricsUrl}${options.metricsToken ? ' (Authorization: Bearer <--metrics-token>)' : ' (this machine only: --metrics-host to change)'}`);
  return server;
}

/** The process: runs the CLI, and on SIGINT or SIGTERM closes the server gracefully, then exits. */
export async function main(argv: readonly string[], env: Record<string, string | undefined>, addOn?: CliAddOn): Promise<void> {
  const server = await runCli(argv, env, consoleIo, addOn);
  if (server) {
    // Stop accepting, let requests in flight finish, then exit: a rolling deploy loses no answer.
    const stop = (signal: string): void => {
      console.log(`antichambre: ${signal}, finishing requests in flight…`);
      void server.close().finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2), process.env);
}
