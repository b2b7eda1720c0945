// V8 settings while the core starts (docs/benchmarks.md, "Idle RSS"; the
// compiled core idles at ~59 MB with them, ~68 MB without).
// - Starting creates mostly long-lived objects (modules, config, rule sets):
//   V8 answers with a 16 MB young generation that stays committed until its
//   memory reducer runs 10-20 s into idle (~5 MB of idle RSS). The growth
//   factor is held at 1 while starting, so it keeps its initial size.
// - Startup code runs once: compiling it (node's module loader while ~300
//   modules load, the config reader) with TurboFan or Sparkplug buys nothing
//   and leaves the compilers' code pages and zone memory resident (~4.5 MB).
//   Both are off while starting and come back SETTLE_MS after the engine
//   runs (right away, functions made hot by the start would be compiled
//   then), or GRACE_MS after the modules are loaded when the engine is still
//   starting: a large rule set compiles for seconds, ~3x slower without.
// Both are ordinary V8 flags read when used (node:v8 setFlagsFromString);
// bin/switchyard.mjs sets them already before its first import for `run`.
import { setFlagsFromString } from 'node:v8';

const GRACE_MS = 200;
const SETTLE_MS = 1000;

let timer: NodeJS.Timeout | null = null;

function turbofanLater(ms: number): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = null;
    setFlagsFromString('--turbofan');
    setFlagsFromString('--sparkplug');
  }, ms);
  timer.unref();
}

/** Before the core's modules load. */
export function beforeModules(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--no-turbofan');
  setFlagsFromString('--no-sparkplug');
}

/** Once the modules are loaded, before the engine starts. */
export function afterModules(): void {
  turbofanLater(GRACE_MS);
}

/** Once the engine runs (or failed to start): V8's defaults again, TurboFan a moment later. */
export function afterStart(): void {
  setFlagsFromString('--semi-space-growth-factor=2');
  if (timer) turbofanLater(SETTLE_MS);
}
