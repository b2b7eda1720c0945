// stats/: the connection table and the per-second samplers.
export { createConnectionTracker, type ConnectionTable, type ConnectionTrackerOptions, type ByteTotals } from './tracker.js';
export { createTrafficSampler, createMemorySampler, type Sampler, type TrafficSamplerOptions, type MemorySamplerOptions } from './samplers.js';
export { toApiMetadata } from './api-metadata.js';
