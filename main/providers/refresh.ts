// Periodic refresh of http rule providers: every `interval` seconds with ±10%
// jitter (so many providers and many installs do not hit a server in step),
// and after a failure an exponential backoff (base, 2×base, 4×base, … capped
// at the interval) instead of waiting a whole interval. Timers are unref'd:
// they never keep the process alive; stop() cancels them (with the generation).
import type { Logger } from '../core/logger.js';

export interface Refreshable {
  readonly name: string;
  /** Fetches now; rejects on failure (the provider keeps its old set). */
  update(): Promise<void>;
}

export interface RefreshItem {
  readonly provider: Refreshable;
  /** seconds; 0 = never refresh */
  readonly interval: number;
  /** ms until the first refresh (0 = at once: no local copy, or it is older than interval). */
  readonly firstDelayMs: number;
}

export interface RefreshDeps {
  readonly logger: Logger;
  /** [0,1); injected for tests. */
  readonly random?: () => number;
  /** First retry delay after a failure; default 30 s. */
  readonly backoffBaseMs?: number;
  /** What is refreshed, for the failure warning (default 'rule provider'). */
  readonly label?: string;
}

export interface RefreshHandle {
  stop(): void;
}

/** ms until the next regular refresh: interval ±10%. */
export function jittered(intervalS: number, random: () => number): number {
  return Math.round(intervalS * 1000 * (0.9 + 0.2 * random()));
}

/** ms until the retry after `failures` consecutive failures (≥ 1). */
export function backoff(failures: number, intervalS: number, baseMs: number, random: () => number): number {
  const raw = baseMs * 2 ** Math.min(failures - 1, 20);
  const cap = intervalS > 0 ? intervalS * 1000 : raw;
  return Math.round(Math.min(raw, cap) * (0.9 + 0.2 * random()));
}

export function startRefresh(items: readonly RefreshItem[], deps: RefreshDeps): RefreshHandle {
  const random = deps.random ?? Math.random;
  const base = deps.backoffBaseMs ?? 30_000;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const schedule = (it: RefreshItem, ms: number, failures: number) => {
    if (stopped) return;
    const t = setTimeout(() => {
      timers.delete(t);
      it.provider.update().then(
        () => {
          if (it.interval > 0) schedule(it, jittered(it.interval, random), 0);
        },
        (e: unknown) => {
          const n = failures + 1;
          const next = backoff(n, it.interval, base, random);
          deps.logger.warn(`${deps.label ?? 'rule provider'} refresh failed; retrying later`, { provider: it.provider.name, failures: n, retryInMs: next, error: e });
          schedule(it, next, n);
        },
      );
    }, Math.max(0, ms));
    t.unref();
    timers.add(t);
  };
  for (const it of items) {
    if (it.interval > 0 || it.firstDelayMs === 0) schedule(it, it.firstDelayMs, 0);
  }
  return {
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
