// The dead-man switch's heartbeat: while the core runs it re-adds the `live`
// elements (tcp, udp) with a fresh timeout every ~1/3 of the timeout, in one
// atomic `nft -f` (flush + add). If the process dies, even by SIGKILL, the
// elements expire and capture stops applying (open) or drops (closed).
import type { Logger } from '../core/logger.js';
import { SyError } from '../core/errors.js';
import { TABLE_FAMILY, TABLE_NAME } from './render.js';
import type { RunCommand } from './run.js';

export interface DeadmanOptions {
  run: RunCommand;
  logger: Logger;
  /** the element timeout (capture.deadmanSeconds) */
  seconds: number;
  /** called with SY_ERR_CAPTURE_DEADMAN when a refresh fails (logged once per failure streak as well) */
  onError?: (e: SyError) => void;
}

/** The batch that refreshes the elements. */
export function deadmanBatch(seconds: number): string {
  const set = `${TABLE_FAMILY} ${TABLE_NAME} live`;
  return `flush set ${set}\nadd element ${set} { tcp timeout ${seconds}s, udp timeout ${seconds}s }\n`;
}

/** Starts refreshing at once and then every seconds/3; returns the stop function (idempotent). */
export function startDeadman(opts: DeadmanOptions): () => void {
  const log = opts.logger.child({ area: 'capture' });
  const every = Math.max(250, Math.floor((opts.seconds * 1000) / 3));
  const batch = deadmanBatch(opts.seconds);
  let failing = false;
  let stopped = false;
  let busy = false;
  const refresh = async () => {
    if (busy || stopped) return; // never pile up refreshes behind a slow nft
    busy = true;
    try {
      const r = await opts.run('nft', ['-f', '-'], batch);
      if (r.code !== 0) throw new Error(r.stderr.trim() || `exit ${r.code}`);
      if (failing) log.info('dead-man switch refresh works again');
      failing = false;
    } catch (cause) {
      const e = new SyError('SY_ERR_CAPTURE_DEADMAN', { where: 'nft add element live', cause });
      if (!failing) log.error(e.message, { code: e.code });
      failing = true;
      opts.onError?.(e);
    } finally {
      busy = false;
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), every);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
