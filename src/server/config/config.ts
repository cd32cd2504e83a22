/**
 * Command-line flags and environment, checked with valibot before anything starts: a bad value stops
 * the server with one clear line instead of a queue that misbehaves at 8:00.
 */
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { ADMISSION_ALGS, AdmissionKey, AdmissionKeyError } from '../admission/admission-key.js';
import { TRUST_PROXY_FORMS, trustedProxies } from '../http/client-address.js';
import { SHARED_NETWORKS_FORMS, sharedNetworks } from '../http/shared-networks.js';
import { RoomsFileError, readRoomsFile } from '../room-policy/rooms-file.js';
import { DEFAULT_SETTINGS, type ServerSettings } from './settings.js';
import { ADMISSION_COOKIE_NAME, ADMISSION_COOKIE_RULE } from '../../core/protocol/admission-cookie-name.js';
import { parseHostPorts, type RedisTarget } from '../stores/redis-connection.js';
import { randomToken } from '../admission/tokens.js';
import type { AutopilotConfig } from '../autopilot/autopilot-config.js';
import { AUTOPILOT_FLAGS, AUTOPILOT_USAGE, AutopilotFlagError, autopilotFromFlags } from '../autopilot/autopilot-flags.js';

export interface ServerConfig extends ServerSettings {
  port: number;
  host: string;
  secret: string;
  adminToken: string;
  /** The queue lives in this Redis, shared by every instance; absent: in this process's memory. */
  redisUrl?: string;
  /** Where the queue's Redis is: `--redis-url`, `--redis-cluster` or `--redis-sentinels` (one of them). */
  redis?: RedisTarget;
  /** `--redis-wait-replicas`; absent: the store's default (1 on a Cluster or Sentinel, 0 on one Redis). */
  redisWaitReplicas?: number;
  /** `--rooms FILE`, read into `declaredRooms`. */
  roomsFile?: string;
  /** Signs admission tokens: loaded from ANTICHAMBRE_JWT_PRIVATE_KEY, derived (HS256) or generated. */
  admissionKey: AdmissionKey;
  /** `--autopilot-*`: one room steered by its ENT's page times. */
  autopilot?: AutopilotConfig & { room: string };
  /** Port of the /metrics listener (used when no metricsToken is set); 0 picks a free port. */
  metricsPort: number;
  /** Interface of the /metrics listener: loopback by default, as Prometheus exporters do. */
  metricsHost: string;
  /** With it, /metrics is served on the main port to `Authorization: Bearer <token>` instead. */
  metricsToken?: string;
  /** Which secrets were made up at start (the admin token is then printed). */
  generated: { secret: boolean; adminToken: boolean; admissionKey: boolean };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const USAGE = `Usage: antichambre [options]

Options (flags win over environment variables):
  --port <n>              HTTP port (env PORT, default 8080; 0 picks a free port)
  --host <addr>           interface to listen on (default 0.0.0.0: all IPv4 interfaces)
  --capacity <n>          default room capacity: admitted sessions at once (default ${DEFAULT_SETTINGS.capacity})
  --admit-per-minute <n>  default max new admissions per sliding minute (default ${DEFAULT_SETTINGS.admitPerMinute})
  --waiting-ttl <s>       a waiting pupil not seen for this long loses the place (default ${DEFAULT_SETTINGS.waitingTtlSeconds})
  --session-ttl <s>       an admitted pupil not seen for this long frees the seat (default ${DEFAULT_SETTINGS.sessionTtlSeconds})
  --admit-grace <s>       a pupil admitted while away must come back within this long, or the seat passes to the
                          next pupil (default ${DEFAULT_SETTINGS.admitGraceSeconds})
  --admission-ttl <s>     an admission token lives this long; each admitted status and heartbeat renews it
                          (default ${DEFAULT_SETTINGS.admissionTtlSeconds})
  --max-session <s>       an admitted session ends this long after admission, however active (default
                          ${DEFAULT_SETTINGS.maxSessionSeconds}: a school day)
  --gate-rooms <list>     comma-separated rooms whose admissions /verify accepts when the proxy names no room
                          (default: none, /verify then needs ?room=)
  --cors-origin <list>    comma-separated origins allowed to call the API, or * (env ANTICHAMBRE_CORS_ORIGIN, default *)
  --issuer <iss>          "iss" claim of admission tokens (env ANTICHAMBRE_ISSUER, default ${DEFAULT_SETTINGS.issuer})
  --jwt-alg <alg>         admission token signature: ES256 (public key at /.well-known/jwks.json) or HS256
                          (key derived from ANTICHAMBRE_SECRET) (env ANTICHAMBRE_JWT_ALG, default ES256)
  --admission-cookie <n>  cookie /verify reads the admission token from (default ${DEFAULT_SETTINGS.admissionCookie})
  --join-limit <n>        joins per client (IPv4 address or IPv6 /64) per minute, sustained; 0 = no limit
                          (default ${DEFAULT_SETTINGS.joinLimitPerMinute})
  --join-burst <n>        joins a client may make at once after being quiet (default ${DEFAULT_SETTINGS.joinBurst})
  --trust-proxy <list>    comma-separated addresses or CIDRs of your reverse proxies (or loopback): X-Forwarded-For
                          is read only from them, from the right, skipping them (env ANTICHAMBRE_TRUST_PROXY;
                          default: none, the socket is the client)
  --shared-networks <list> comma-separated CIDRs (or addresses) where many pupils share one address: schools' NATs,
                          a region's school network, a carrier-grade NAT. Their joins keep plain join order instead
                          of one place per address per round (env ANTICHAMBRE_SHARED_NETWORKS; default: none)
  --metrics-port <n>      port of the /metrics listener (default 9464; 0 picks a free port)
  --metrics-host <addr>   interface of the /metrics listener (default 127.0.0.1: this machine only)
  --metrics-token <t>     serve /metrics on --port instead, to Authorization: Bearer <t> only
                          (env ANTICHAMBRE_METRICS_TOKEN, ≥ 16 characters)
  --redis-url <url>       keep the queue in Redis (redis://[:password@]host:6379[/db], rediss:// for TLS), shared by
                          every instance (env REDIS_URL; default: in this process's memory, lost on restart)
  --redis-cluster <list>  keep the queue in a Redis Cluster: seed nodes HOST:PORT,HOST:PORT,… (env REDIS_CLUSTER_NODES)
  --redis-sentinels <list> keep the queue in a Sentinel-managed Redis: Sentinels HOST:PORT,… (env REDIS_SENTINELS),
                          with --redis-sentinel-master <name> (env REDIS_SENTINEL_MASTER)
  --redis-wait-replicas <n> answer a join or an admission once this many replicas hold it, so a failover loses
                          no answered place (default 1 with --redis-cluster or --redis-sentinels, else 0)
  --rooms <file>          declare rooms and their settings (JSON or YAML, see docs/integration.md): applied at start,
                          and a declared room found missing (Redis data lost) is recreated from it
  --room-creation <mode>  join: a pupil's join may create an unknown room; admin: only declared rooms and rooms made
                          with the admin API exist (default join, admin with --rooms)
  --max-rooms <n>         joins may not create more rooms than this; idle ones are forgotten (default ${DEFAULT_SETTINGS.maxRooms})
${AUTOPILOT_USAGE}
  --help                  print this help

Environment:
  ANTICHAMBRE_SECRET       signs tickets and admission tokens (≥ 16 characters; random if unset)
  ANTICHAMBRE_ADMIN_TOKEN  Bearer token of the admin API (≥ 16 characters; random and printed if unset)
  ANTICHAMBRE_JWT_PRIVATE_KEY  ES256 signing key, P-256 private key as PEM or JWK; generated if unset
                           (then every instance must get the same key: set it when running several)`;

const whole = (name: string, min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, (issue) => `${name} must be a whole number, got "${String(issue.input)}"`),
    v.transform(Number),
    v.minValue(min, `${name} must be at least ${min}`),
    v.maxValue(max, `${name} must be at most ${max}`),
  );
const secret = (name: string) => v.optional(v.pipe(v.string(), v.minLength(16, `${name} must be at least 16 characters`)));
const origins = v.pipe(
  v.string(),
  v.transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean)),
  v.minLength(1, '--cors-origin needs at least one origin or *'),
  v.check(
    (list) => list.every((origin) => origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin)),
    '--cors-origin takes * or origins like https://ent.example (scheme and host, no path)',
  ),
);

const ConfigSchema = v.object({
  port: whole('--port', 0, 65535),
  host: v.pipe(v.string(), v.minLength(1, '--host must not be empty')),
  capacity: whole('--capacity', 0, 10_000_000),
  admitPerMinute: whole('--admit-per-minute', 1, 10_000_000),
  waitingTtlSeconds: whole('--waiting-ttl', 1, 7 * 24 * 3600),
  sessionTtlSeconds: whole('--session-ttl', 1, 7 * 24 * 3600),
  admitGraceSeconds: whole('--admit-grace', 1, 7 * 24 * 3600),
  admissionTtlSeconds: whole('--admission-ttl', 1, 24 * 3600),
  maxSessionSeconds: whole('--max-session', 1, 7 * 24 * 3600),
  gateRooms: v.pipe(
    v.string(),
    v.transform((list) => list.split(',').map((room) => room.trim()).filter(Boolean)),
    v.check((rooms) => rooms.every((room) => /^[a-z0-9-]{1,64}$/.test(room)), '--gate-rooms takes room ids (a-z, 0-9 and -, up to 64), comma-separated'),
  ),
  corsOrigins: origins,
  issuer: v.pipe(v.string(), v.minLength(1, '--issuer must not be empty')),
  secret: secret('ANTICHAMBRE_SECRET'),
  adminToken: secret('ANTICHAMBRE_ADMIN_TOKEN'),
  roomsFile: v.optional(v.pipe(v.string(), v.minLength(1, '--rooms needs a file name'))),
  roomCreation: v.optional(v.picklist(['join', 'admin'], '--room-creation must be join or admin')),
  maxRooms: whole('--max-rooms', 1, 10_000_000),
  redisUrl: v.optional(v.pipe(v.string(), v.regex(/^rediss?:\/\/\S+$/, '--redis-url must look like redis://host:6379 (or rediss:// for TLS)'))),
  redisCluster: v.optional(v.string()),
  redisSentinels: v.optional(v.string()),
  redisSentinelMaster: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,64}$/, '--redis-sentinel-master must be a Sentinel master name (letters, digits, . _ -)'))),
  redisWaitReplicas: v.optional(whole('--redis-wait-replicas', 0, 5)),
  jwtAlg: v.picklist(ADMISSION_ALGS, '--jwt-alg must be ES256 or HS256'),
  jwtPrivateKey: v.optional(v.string()),
  admissionCookie: v.pipe(
    v.string(),
    v.regex(ADMISSION_COOKIE_NAME, `--admission-cookie must be a cookie name: ${ADMISSION_COOKIE_RULE}`),
  ),
  joinLimitPerMinute: whole('--join-limit', 0, 10_000_000),
  joinBurst: whole('--join-burst', 1, 10_000_000),
  trustProxy: v.pipe(
    v.string(),
    v.transform((list) => list.split(',').map((entry) => entry.trim()).filter(Boolean)),
    v.check((list) => trustProxyProblem(list) === null, (issue) => `--trust-proxy: ${trustProxyProblem(issue.input as string[])}`),
  ),
  sharedNetworks: v.pipe(
    v.string(),
    v.transform((list) => list.split(',').map((entry) => entry.trim()).filter(Boolean)),
    v.check((list) => sharedNetworksProblem(list) === null, (issue) => `--shared-networks: ${sharedNetworksProblem(issue.input as string[])}`),
  ),
  metricsPort: whole('--metrics-port', 0, 65535),
  metricsHost: v.pipe(v.string(), v.minLength(1, '--metrics-host must not be empty')),
  metricsToken: secret('--metrics-token'),
});

/** Reads flags and env. Returns 'help' for --help; throws ConfigError with a one-line message otherwise. */
export function parseConfig(argv: readonly string[], env: Record<string, string | undefined>): ServerConfig | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        capacity: { type: 'string' },
        'admit-per-minute': { type: 'string' },
        'waiting-ttl': { type: 'string' },
        'session-ttl': { type: 'string' },
        'admit-grace': { type: 'string' },
        'admission-ttl': { type: 'string' },
        'max-session': { type: 'string' },
        'gate-rooms': { type: 'string' },
        'cors-origin': { type: 'string' },
        issuer: { type: 'string' },
        'jwt-alg': { type: 'string' },
        'admission-cookie': { type: 'string' },
        'join-limit': { type: 'string' },
        'join-burst': { type: 'string' },
        'trust-proxy': { type: 'string' },
        'shared-networks': { type: 'string' },
        'metrics-port': { type: 'string' },
        'metrics-host': { type: 'string' },
        'metrics-token': { type: 'string' },
        ...AUTOPILOT_FLAGS,
        'redis-url': { type: 'string' },
        'redis-cluster': { type: 'string' },
        'redis-sentinels': { type: 'string' },
        'redis-sentinel-master': { type: 'string' },
        'redis-wait-replicas': { type: 'string' },
        rooms: { type: 'string' },
        'room-creation': { type: 'string' },
        'max-rooms': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    // Node's parseArgs messages span several lines; the first one says it all.
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    // `--trust-proxy` used to be a switch; now it names the proxies.
    if (message.startsWith("Option '--trust-proxy")) throw new ConfigError(TRUST_PROXY_NOW);
    // `--demo` used to mount the teachers' page; the demo now wraps the server from outside (issue 15).
    if (message.startsWith("Unknown option '--demo'")) throw new ConfigError('--demo is gone from the server: `npm start` runs the demo (demo/server/start.ts)');
    throw new ConfigError(`${message} (see --help)`);
  }
  if (values.help) return 'help';
  // An empty variable (`PORT= npm start`) means unset, as in most tools.
  const fromEnv = (name: string): string | undefined => env[name] || undefined;

  const result = v.safeParse(ConfigSchema, {
    port: values.port ?? fromEnv('PORT') ?? '8080',
    host: values.host ?? '0.0.0.0',
    capacity: values.capacity ?? String(DEFAULT_SETTINGS.capacity),
    admitPerMinute: values['admit-per-minute'] ?? String(DEFAULT_SETTINGS.admitPerMinute),
    waitingTtlSeconds: values['waiting-ttl'] ?? String(DEFAULT_SETTINGS.waitingTtlSeconds),
    sessionTtlSeconds: values['session-ttl'] ?? String(DEFAULT_SETTINGS.sessionTtlSeconds),
    admitGraceSeconds: values['admit-grace'] ?? String(DEFAULT_SETTINGS.admitGraceSeconds),
    admissionTtlSeconds: values['admission-ttl'] ?? String(DEFAULT_SETTINGS.admissionTtlSeconds),
    maxSessionSeconds: values['max-session'] ?? String(DEFAULT_SETTINGS.maxSessionSeconds),
    gateRooms: values['gate-rooms'] ?? '',
    corsOrigins: values['cors-origin'] ?? fromEnv('ANTICHAMBRE_CORS_ORIGIN') ?? '*',
    issuer: values.issuer ?? fromEnv('ANTICHAMBRE_ISSUER') ?? DEFAULT_SETTINGS.issuer,
    secret: fromEnv('ANTICHAMBRE_SECRET'),
    adminToken: fromEnv('ANTICHAMBRE_ADMIN_TOKEN'),
    redisUrl: values['redis-url'] ?? fromEnv('REDIS_URL'),
    redisCluster: values['redis-cluster'] ?? fromEnv('REDIS_CLUSTER_NODES'),
    redisSentinels: values['redis-sentinels'] ?? fromEnv('REDIS_SENTINELS'),
    redisSentinelMaster: values['redis-sentinel-master'] ?? fromEnv('REDIS_SENTINEL_MASTER'),
    redisWaitReplicas: values['redis-wait-replicas'] ?? fromEnv('REDIS_WAIT_REPLICAS'),
    roomsFile: values.rooms,
    roomCreation: values['room-creation'],
    maxRooms: values['max-rooms'] ?? String(DEFAULT_SETTINGS.maxRooms),
    jwtAlg: values['jwt-alg'] ?? fromEnv('ANTICHAMBRE_JWT_ALG') ?? 'ES256',
    jwtPrivateKey: fromEnv('ANTICHAMBRE_JWT_PRIVATE_KEY'),
    admissionCookie: values['admission-cookie'] ?? DEFAULT_SETTINGS.admissionCookie,
    joinLimitPerMinute: values['join-limit'] ?? String(DEFAULT_SETTINGS.joinLimitPerMinute),
    joinBurst: values['join-burst'] ?? String(DEFAULT_SETTINGS.joinBurst),
    trustProxy: values['trust-proxy'] ?? fromEnv('ANTICHAMBRE_TRUST_PROXY') ?? '',
    sharedNetworks: values['shared-networks'] ?? fromEnv('ANTICHAMBRE_SHARED_NETWORKS') ?? '',
    metricsPort: values['metrics-port'] ?? '9464',
    metricsHost: values['metrics-host'] ?? '127.0.0.1',
    metricsToken: values['metrics-token'] ?? fromEnv('ANTICHAMBRE_METRICS_TOKEN'),
  });
  if (!result.success) throw new ConfigError(result.issues[0].message);
  const { secret: givenSecret, adminToken: givenAdmin, jwtAlg, jwtPrivateKey, redisCluster, redisSentinels, redisSentinelMaster, ...rest } = result.output;
  const redis = redisTarget(rest.redisUrl, redisCluster, redisSentinels, redisSentinelMaster);
  let declaredRooms: ServerConfig['declaredRooms'];
  try {
    // Read now, so a bad file stops the start with one line instead of rooms with the wrong capacity.
    declaredRooms = rest.roomsFile === undefined ? undefined : readRoomsFile(rest.roomsFile);
  } catch (error) {
    if (error instanceof RoomsFileError) throw new ConfigError(error.message);
    throw error;
  }
  const secretValue = givenSecret ?? randomToken();
  let admissionKey: AdmissionKey;
  try {
    // Loaded now, so a bad key stops the start instead of the first admission.
    admissionKey = AdmissionKey.fromConfig({ alg: jwtAlg, privateKey: jwtPrivateKey, secret: secretValue });
  } catch (error) {
    if (error instanceof AdmissionKeyError) throw new ConfigError(error.message);
    throw error;
  }
  let autopilot: ServerConfig['autopilot'];
  try {
    autopilot = autopilotFromFlags(values);
  } catch (error) {
    if (error instanceof AutopilotFlagError) throw new ConfigError(error.message);
    throw error;
  }
  return {
    ...rest,
    redis,
    declaredRooms,
    autopilot,
    secret: secretValue,
    adminToken: givenAdmin ?? randomToken(),
    admissionKey,
    generated: { secret: givenSecret === undefined, adminToken: givenAdmin === undefined, admissionKey: admissionKey.generated },
  };
}

/** One of the three ways to name Redis, or none (memory); two at once is a mistake worth stopping for. */
function redisTarget(url?: string, cluster?: string, sentinels?: string, master?: string): RedisTarget | undefined {
  const given = [url && '--redis-url', cluster && '--redis-cluster', sentinels && '--redis-sentinels'].filter(Boolean);
  if (given.length > 1) throw new ConfigError(`${given.join(' and ')} name two different Redis: give one`);
  if (master !== undefined && sentinels === undefined) throw new ConfigError('--redis-sentinel-master needs --redis-sentinels');
  try {
    if (cluster !== undefined) return { kind: 'cluster', nodes: parseHostPorts(cluster, '--redis-cluster') };
    if (sentinels !== undefined) {
      if (master === undefined) throw new Error('--redis-sentinels needs --redis-sentinel-master NAME (the name in the Sentinels\' "sentinel monitor" line)');
      return { kind: 'sentinel', sentinels: parseHostPorts(sentinels, '--redis-sentinels'), name: master };
    }
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  return url === undefined ? undefined : { kind: 'url', url };
}

const TRUST_PROXY_NOW =
  '--trust-proxy now takes the addresses of your reverse proxies, e.g. --trust-proxy 127.0.0.1 (nginx on this machine) or --trust-proxy 10.0.0.0/8,fd00::/8: X-Forwarded-For is believed only from them';

/** Why a `--trust-proxy` list is refused, or null when ipaddr.js reads every entry. */
function trustProxyProblem(list: readonly string[]): string | null {
  try {
    trustedProxies(list);
    return null;
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}; give ${TRUST_PROXY_FORMS}, comma-separated`;
  }
}

/** Why a `--shared-networks` list is refused, or null when every entry is a network. */
function sharedNetworksProblem(list: readonly string[]): string | null {
  try {
    sharedNetworks(list);
    return null;
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}; ${SHARED_NETWORKS_FORMS}`;
  }
}
