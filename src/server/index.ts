/**
 * The queue server's public API, what `import … from 'antichambre/server'` gives (package.json `exports`,
 * compiled to dist/node/ by `npm run build`): start a server, verify an admission in a backend, and the
 * two stores a server can be given. Everything else under src/server/ is internal and may move.
 */
export { startServer, type RunningServer, type StartOptions } from './http/serve.js';
export {
  createAdmissionVerifier,
  verifyAdmission,
  type AdmissionFailure,
  type AdmissionVerdict,
  type AdmissionVerifier,
  type VerifiedAdmission,
  type VerifyAdmissionOptions,
} from './admission/verify-admission.js';
export { DEFAULT_SETTINGS, type ServerSettings } from './config/settings.js';
export { MemoryStore, type MemoryStoreOptions } from './stores/memory.js';
export { RedisStore, type RedisClient, type RedisStoreOptions } from './stores/redis.js';
export type { RoomSettings, Store, StoreOptions } from './stores/store.js';
