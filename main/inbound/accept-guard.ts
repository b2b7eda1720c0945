// What a listener does when accept() fails for lack of file descriptors
// (EMFILE/ENFILE, reference §7.3 and §5 #14). libuv normally absorbs EMFILE
// itself: its reserve-fd trick accepts and closes the pending connections, so
// accept never spins and node is not told (test/unit/inbound/emfile.test.ts
// shows the shed clients are closed, not left hanging). When the error does
// reach node (the trick failed), the server emits 'error', which without a
// handler would crash the process: we log once per episode, count, and report
// the episode's end after a quiet backoff. The listener is NOT closed: a
// closed TPROXY listener makes captured LAN traffic bypass the proxy silently
// (reference §6.3).
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
