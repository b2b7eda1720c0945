// controller/: the Clash/mihomo-compatible REST + WebSocket API.
export { createController, type Controller, type ControllerOptions } from './server.js';
export type * from './deps.js';
export { createMemoryStore, createFileStore } from './storage-store.js';
