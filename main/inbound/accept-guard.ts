// What a listener does when accept() fails for lack of file descriptors
// (EMFILE/ENFILE, reference §7.3 and §5 #14): libuv already sheds the pending
// connections (its reserve-fd trick), so accept never spins; we log once per
// episode, count what happened meanwhile, and report the episode's end after
// a quiet backoff. The listener is NOT closed: a closed TPROXY listener makes
// captured LAN traffic bypass the proxy silently (reference §6.3).
import type { Logger } from '../core/logger.js';

export interface AcceptGuard {
  /** Handles a server 'error'; returns false when it is not an fd-exhaustion error. */
  onError(err: NodeJS.ErrnoException): boolean;
  /** Whether an episode is in progress. */
  readonly pressured: boolean;
  close(): void;
}

export function createAcceptGuard(logger: Logger, backoffMs = 1000): AcceptGuard {
  let timer: NodeJS.Timeout | undefined;
  let count = 0;
  return {
    onError(err) {
      if (err.code !== 'EMFILE' && err.code !== 'ENFILE') return false;
      count++;
      if (!timer) {
        logger.error('out of file descriptors: shedding new connections until descriptors are free', { code: err.code });
      } else clearTimeout(timer);
      timer = setTimeout(() => {
        logger.warn('accepting connections again', { shed: count });
        timer = undefined;
        count = 0;
      }, backoffMs);
      timer.unref();
      return true;
    },
    get pressured() {
      return timer !== undefined;
    },
    close() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
