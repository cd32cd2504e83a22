/** The store conformance suite on the in-memory store. */
import { MemoryStore } from '../../../src/server/stores/memory.js';
import { roomPolicyConformance } from './room-policy-conformance.js';
import { lanesConformance } from './lanes-conformance.js';
import { storeConformance } from './store-conformance.js';

storeConformance('memory store', async (options) => new MemoryStore(options));
roomPolicyConformance('memory store', async (options) => new MemoryStore(options));
lanesConformance('memory store', async (options) => new MemoryStore(options));
