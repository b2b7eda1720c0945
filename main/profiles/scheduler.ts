// Auto-update timing: one unref'd timer per URL profile with an interval.
// The next attempt is due `interval` after the last success, or after a
// backoff (30 s doubling, capped at the interval) after failures; a random
// jitter of up to 10 % of the interval (at most 5 min) spreads requests so a
// provider does not see every client at the same second.
import type { Logger } from '../core/logger.js';
import type { ProfileRecord } from './types.js';

const BACKOFF_BASE_MS = 30_000;
const MAX_JITTER_MS = 5 * 60_000;
/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** ms until the next auto-update of `p`, or null when it has none. */
export function nextDelay(p: ProfileRecord, now: number, random: () => number): number | null {
  if (p.source.type !== 'url' || !(p.interval > 0)) return null;
  const every = p.interval * 1000;
  const due =
    p.failures > 0 && p.lastError
      ? p.lastError.at + Math.min(every, BACKOFF_BASE_MS * 2 ** Math.min(p.failures - 1, 20))
      : p.updatedAt + every;
  const jitter = random() * Math.min(every * 0.1, MAX_JITTER_MS);
  return Math.min(MAX_TIMER_MS, Math.max(0, due - now) + jitter);
}

export interface AutoUpdaterDeps {
  records(): Promise<readonly ProfileRecord[]>;
  /** Updates one profile; failures are recorded by the manager and only logged here. */
  update(id: string): Promise<unknown>;
  logger: Logger;
  now?: () => number;
  random?: () => number;
}

export interface AutoUpdater {
  /** Recomputes every timer from the current records (after add/update/patch/remove). */
  reschedule(): Promise<void>;
  /** Stops every timer (idempotent). */
  close(): void;
}

export function createAutoUpdater(d: AutoUpdaterDeps): AutoUpdater {
  const timers = new Map<string, NodeJS.Timeout>();
  const now = d.now ?? Date.now;
  const random = d.random ?? Math.random;
  let closed = false;
  const clear = () => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  };
  const self: AutoUpdater = {
    async reschedule() {
      if (closed) return;
      const recs = await d.records().catch((e: unknown) => {
        d.logger.warn('profiles: cannot read the index for auto-update', { error: e });
        return [] as ProfileRecord[];
      });
      if (closed) return;
      clear();
      for (const p of recs) {
        const ms = nextDelay(p, now(), random);
        if (ms === null) continue;
        const t = setTimeout(() => {
          timers.delete(p.id);
          d.update(p.id)
            .catch((e: unknown) => d.logger.warn('profile auto-update failed (the working profile stays)', { profile: p.name, error: e }))
            .finally(() => void self.reschedule());
        }, ms);
        t.unref();
        timers.set(p.id, t);
      }
    },
    close() {
      closed = true;
      clear();
    },
  };
  return self;
}
