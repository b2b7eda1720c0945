// Per-second samplers behind the /traffic and /memory streams. Each keeps one
// unref'd timer (started by start() or the first subscribe(), stopped by
// stop()) and fans frames out to subscribers; a throwing subscriber is dropped
// from that frame only, never breaks the others.
import type { ApiMemory, ApiTraffic } from '../controller/api-types.js';
import type { ByteTotals } from './tracker.js';

export interface Sampler<T> {
  /** Receive every frame from now on; returns the unsubscribe function. */
  subscribe(fn: (frame: T) => void): () => void;
  /** The last frame computed (zeros before the first tick). */
  latest(): T;
  /** Starts the timer (idempotent). */
  start(): void;
  /** Stops the timer and forgets subscribers (idempotent). */
  stop(): void;
}

export interface TrafficSamplerOptions {
  /** Totals since start, closed connections included (the connection table). */
  source: { totals(): ByteTotals };
  intervalMs?: number;
  now?: () => number;
}

/** Rates are bytes per second from the delta of all counters between ticks. */
export function createTrafficSampler(opts: TrafficSamplerOptions): Sampler<ApiTraffic> & { tick(): ApiTraffic } {
  const now = opts.now ?? Date.now;
  let last = opts.source.totals();
  let lastAt = now();
  let frame: ApiTraffic = { up: 0, down: 0, upTotal: last.upload, downTotal: last.download };

  const tick = (): ApiTraffic => {
    const t = opts.source.totals();
    const at = now();
    const elapsed = Math.max(1, at - lastAt);
    const perSecond = (d: number) => Math.max(0, Math.round((d * 1000) / elapsed));
    frame = {
      up: perSecond(t.upload - last.upload),
      down: perSecond(t.download - last.download),
      upTotal: t.upload,
      downTotal: t.download,
    };
    last = t;
    lastAt = at;
    return frame;
  };

  const base = createTicker<ApiTraffic>(opts.intervalMs ?? 1000, tick, () => frame, () => {
    // Rebase on (re)start so the first rate does not cover the idle time.
    last = opts.source.totals();
    lastAt = now();
  });
  return { ...base, tick };
}

export interface MemorySamplerOptions {
  intervalMs?: number;
  /** Bytes in use; default process RSS. */
  read?: () => number;
}

/**
 * Memory frames `{inuse, oslimit: 0}`. Like mihomo, each subscriber's first
 * frame is `inuse: 0` (sent on the next microtask), then real samples.
 */
export function createMemorySampler(opts: MemorySamplerOptions = {}): Sampler<ApiMemory> {
  const read = opts.read ?? (() => process.memoryUsage().rss);
  let frame: ApiMemory = { inuse: 0, oslimit: 0 };
  const base = createTicker<ApiMemory>(opts.intervalMs ?? 1000, () => (frame = { inuse: read(), oslimit: 0 }), () => frame);
  return {
    ...base,
    subscribe(fn) {
      let active = true;
      queueMicrotask(() => {
        if (active) safeCall(fn, { inuse: 0, oslimit: 0 });
      });
      const off = base.subscribe(fn);
      return () => {
        active = false;
        off();
      };
    },
  };
}

function createTicker<T>(intervalMs: number, compute: () => T, latest: () => T, onStart?: () => void): Sampler<T> {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new RangeError(`sampler interval must be > 0 ms, got ${intervalMs}`);
  const subs = new Set<(f: T) => void>();
  let timer: NodeJS.Timeout | null = null;
  const start = () => {
    if (timer) return;
    onStart?.();
    timer = setInterval(() => {
      const f = compute();
      for (const s of [...subs]) safeCall(s, f);
    }, intervalMs);
    timer.unref();
  };
  return {
    subscribe(fn) {
      subs.add(fn);
      start();
      return () => {
        subs.delete(fn);
      };
    },
    latest,
    start,
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      subs.clear();
    },
  };
}

function safeCall<T>(fn: (f: T) => void, f: T): void {
  try {
    fn(f);
  } catch {
    /* a broken subscriber must not break the others */
  }
}
