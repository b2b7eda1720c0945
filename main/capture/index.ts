// main/capture: TPROXY capture with nftables (see docs/capture.md).
export { renderCapture, encodeState, decodeState, TABLE_NAME, TABLE_FAMILY, type CaptureState } from './render.js';
export { planRouting, type RoutingPlan } from './routing.js';
export { captureInputFrom, localAddresses, checkCaptureInput, RESERVED_V4, RESERVED_V6, type CaptureInput } from './input.js';
export { installCapture, removeCapture, captureStatus, type CaptureDeps, type CaptureHint, type CaptureStatus } from './install.js';
export { startDeadman, deadmanBatch, type DeadmanOptions } from './deadman.js';
export { createCommandRunner, type RunCommand, type CommandResult } from './run.js';
export { plannedSysctls } from './sysctl.js';
