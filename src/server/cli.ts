/**
 * `antichambre` on the command line (`npm run serve`, `npm start` adds --demo): reads flags and env,
 * starts the server, prints where it is. A bad value exits with code 2 and one line, no stack trace.
 */
import { pathToFileURL } from 'node:url';
import { API_PATH } from './app.js';
import { ConfigError, USAGE, parseConfig } from './config.js';
import { DemoOutages } from './demo-outage.js';
import { mountDemoSite } from './demo-site.js';
import { startServer, type RunningServer } from './serve.js';
import { roomCreation } from './stores/store-options-from-settings.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Starts the server; resolves to null (and sets process.exitCode) when it should not run. */
export async function runCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo = consoleIo,
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

  const { demo, generated, ...options } = config;
  // The teachers' page's "server down for 30 s" button answers browsers from in front of the app.
  const outages = demo ? new DemoOutages(API_PATH) : undefined;
  let server: RunningServer;
  try {
    server = await startServer({
      ...options,
      processMetrics: true,
      intercept: outages?.intercept,
      extend: demo ? (app) => void mountDemoSite(app, { apiPath: API_PATH, adminToken: options.adminToken, outages, trustProxy: options.trustProxy }) : undefined,
    });
  } catch (error) {
    // EADDRINUSE, EACCES…: the operator's problem to fix, stated in one line.
    io.err(`antichambre: cannot listen on ${options.host}:${options.port}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
    return null;
  }

  const base = `http://localhost:${server.port}`;
  io.out(`antichambre is listening on ${options.host}:${server.port}`);
  if (demo) {
    io.out(`  teachers' page   ${base}/`);
    io.out(`  example ENT      ${base}/example-ent/`);
  }
  io.out(`  queue API        ${base}${API_PATH}`);
  io.out(`  queue store      ${options.redisUrl ? `Redis at ${withoutPassword(options.redisUrl)}` : 'memory (one instance; lost on restart)'}`);
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
  // Joins are JSON (preflighted) and their Origin is checked, but only against a list: with *, any web site
  // its pupils visit can make them join this line. The demo is one origin, so it needs no list.
  if (!demo && options.corsOrigins.includes('*')) {
    io.out('  --cors-origin is *: any web site can make its visitors join. Name the ENT: --cors-origin https://ent.example');
  }
  if (server.metricsUrl === undefined) io.err(`antichambre: ${server.metricsError ?? 'metrics are off'}; pick another --metrics-port, or set --metrics-token`);
  else io.out(`  metrics          ${server.metricsUrl}${options.metricsToken ? ' (Authorization: Bearer <--metrics-token>)' : ' (this machine only: --metrics-host to change)'}`);
  return server;
}

/** Redis URLs may carry a password: never print it. */
function withoutPassword(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await runCli(process.argv.slice(2), process.env);
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
